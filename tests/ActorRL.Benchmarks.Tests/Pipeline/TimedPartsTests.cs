using ActorRL.Benchmarks.Pipeline;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;
using ActorRL.Engine.Tests.Pipeline;
using ActorRL.Tasks;

namespace ActorRL.Benchmarks.Tests.Pipeline;

/// <summary>The timers around a real actor pipeline (synthetic compute) record every actor's work.</summary>
public sealed class TimedPartsTests
{
    [Fact]
    public async Task EveryStepGroupAndPublicationIsTimedAndSyncModeNeverOverlapsGenerationWithLearning()
    {
        const int steps = 5, groups = 4;
        var workload = new SyntheticWorkload(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(30), GroupSize: 2, DecodeSteps: 2);
        var settings = PipelineHarness.Settings(maxStaleness: 0, groupsPerStep: groups, steps: steps, generators: 1);
        var task = new SyntheticTask();
        var timed = new TimedParts();
        var parts = timed.Wrap(new PipelineParts(settings, false, 0, task, PromptCursor.Start,
            i => new SyntheticRolloutBackend(workload, 3 + i), () => new SyntheticTrainer(workload),
            new VerdictRewardFunction(task.Verifier), MetricsPath: null, EvaluateAround: false));

        var summary = await PipelineRun.ExecuteAsync(parts, PipelineHarness.AkkaConfig, "timed-parts-test");

        Assert.Equal(steps, summary.Steps);
        var intervals = timed.Timeline.Intervals;
        List<ComputeInterval> Of(ComputeKind kind) => intervals.Where(i => i.Kind == kind).ToList();
        Assert.Equal(steps, Of(ComputeKind.LearnerStep).Count);
        Assert.All(Of(ComputeKind.LearnerStep), i => Assert.True(i.Seconds >= 0.025, $"a 30 ms learner step timed at {i.Seconds:F4} s"));
        Assert.Equal(steps + 1, Of(ComputeKind.WeightExport).Count); // the initial weights, then one per step
        Assert.Equal(steps * groups, Of(ComputeKind.Verification).Count);
        Assert.True(Of(ComputeKind.Generation).Sum(i => i.Seconds) >= steps * groups * 0.009, "10 ms per group of generation");
        Assert.All(Of(ComputeKind.Generation), i => Assert.Equal("generator-1", i.Actor));
        Assert.Equal(0, timed.MeanStaleness);
        // η = 0: a group is handed out only after the step before it is published, so decoding never runs during a step.
        foreach (var step in Of(ComputeKind.LearnerStep))
            Assert.DoesNotContain(Of(ComputeKind.Generation), g => g.Start < step.End && step.Start < g.End);

        var breakdown = TimeBreakdown.Of(intervals, generators: 1, timed.Timeline.CpuMarks);
        // η = 0: the learner waits while the generator decodes, so its idle share covers at least every generation
        // second of the window, and its busy share at least its 5 × 30 ms of steps.
        var generationSeconds = breakdown.SecondsOf(ComputeKind.Generation);
        Assert.True(generationSeconds >= steps * groups * 0.009, $"generation in the window: {generationSeconds:F3} s");
        Assert.True(breakdown.LearnerIdleFraction * breakdown.WallSeconds >= generationSeconds - 1e-6,
            $"learner idle {breakdown.LearnerIdleFraction:P1} of {breakdown.WallSeconds:F3} s, generation {generationSeconds:F3} s");
        Assert.True((1 - breakdown.LearnerIdleFraction) * breakdown.WallSeconds >= steps * 0.025);
        Assert.InRange(breakdown.ActorOverheadShare, 0, 1 - (generationSeconds + steps * 0.025) / breakdown.WallSeconds + 1e-6);
        Assert.True(breakdown.CoresUsed > 0, $"cores used: {breakdown.CoresUsed}");
    }

    [Fact]
    public async Task MeanStalenessCountsEveryConsumedGroupAtTheLearnersVersion()
    {
        var workload = new SyntheticWorkload(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(40), GroupSize: 2, DecodeSteps: 2);
        var settings = PipelineHarness.Settings(maxStaleness: 2, groupsPerStep: 4, steps: 6, generators: 1);
        var task = new SyntheticTask();
        var timed = new TimedParts();
        var consumed = new System.Collections.Concurrent.ConcurrentQueue<(long Version, Core.Rollouts.RolloutGroup Group)>();
        var parts = timed.Wrap(new PipelineParts(settings, false, 0, task, PromptCursor.Start,
            i => new SyntheticRolloutBackend(workload, 3 + i), () => new PipelineHarness.RecordingTrainer(workload, consumed),
            new VerdictRewardFunction(task.Verifier), MetricsPath: null, EvaluateAround: false));

        await PipelineRun.ExecuteAsync(parts, PipelineHarness.AkkaConfig, "timed-parts-staleness");

        var expected = consumed.Average(c => (double)c.Group.Staleness(c.Version));
        Assert.Equal(expected, timed.MeanStaleness, 9);
        // Generators 20× faster than the learner run ahead up to η: later batches are stale.
        Assert.True(timed.MeanStaleness > 0, "groups generated ahead of the learner carry staleness");
    }
}
