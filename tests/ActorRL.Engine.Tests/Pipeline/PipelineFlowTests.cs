using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;

namespace ActorRL.Engine.Tests.Pipeline;

public class PipelineFlowTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task EveryConsumedGroupRespectsTheStalenessBound(int maxStaleness)
    {
        var settings = PipelineHarness.Settings(maxStaleness: maxStaleness, steps: 10);
        var workload = new SyntheticWorkload(GenerationTime: 10 * Ms, TrainTime: 15 * Ms);
        var (summary, consumed, _) = await PipelineHarness.RunAsync(settings, workload);

        Assert.Equal(10, summary.Steps);
        Assert.Equal(10, summary.FinalVersion);
        Assert.Equal(40, consumed.Count);
        foreach (var (version, group) in consumed)
        {
            // Check the recorded token versions themselves, not a counter.
            var oldestToken = group.Rollouts.SelectMany(r => r.TokenVersions).Min();
            Assert.True(version - oldestToken <= maxStaleness, $"group {group.GroupId}: learner {version}, oldest token {oldestToken}");
            Assert.True(oldestToken >= 0, "a token was generated before any weights were published");
        }
        Assert.True(summary.MaxStaleness <= maxStaleness);
    }

    [Fact]
    public async Task SynchronousModeUsesOnlyFreshGroupsAndVersionsAdvanceByOne()
    {
        var (summary, consumed, _) = await PipelineHarness.RunAsync(PipelineHarness.Settings(maxStaleness: 0, steps: 6),
            new SyntheticWorkload(5 * Ms, 5 * Ms));
        Assert.All(consumed, c => Assert.All(c.Group.Rollouts.SelectMany(r => r.TokenVersions), v => Assert.Equal(c.Version, v)));
        Assert.Equal(Enumerable.Range(0, 6).SelectMany(v => Enumerable.Repeat((long)v, 4)), consumed.Select(c => c.Version));
        Assert.Equal(0, summary.DroppedStale);
    }

    [Fact]
    public async Task EveryPromptIsConsumedExactlyOnceAndNoneIsSkipped()
    {
        var (_, consumed, _) = await PipelineHarness.RunAsync(PipelineHarness.Settings(maxStaleness: 2, steps: 8, generators: 3),
            new SyntheticWorkload(8 * Ms, 4 * Ms));
        var ids = consumed.Select(c => c.Group.PromptId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // With no drops the learner consumes exactly the first 32 prompts of the stream.
        Assert.Equal(Enumerable.Range(0, 32).Select(i => $"synthetic:{i}").OrderBy(s => s), ids.OrderBy(s => s));
    }

    [Theory]
    [InlineData(1, 20)]   // generators 20x faster than the learner
    [InlineData(20, 1)]   // learner 20x faster than the generators
    public async Task OpenWorkNeverExceedsTheAdmissionBoundAtAnySpeedRatio(int generateMs, int trainMs)
    {
        var settings = PipelineHarness.Settings(maxStaleness: 2, steps: 8, generators: 3);
        var (summary, _, samples) = await PipelineHarness.RunAsync(settings, new SyntheticWorkload(generateMs * Ms, trainMs * Ms));
        Assert.Equal(8, summary.Steps);
        Assert.NotEmpty(samples);
        Assert.All(samples, s =>
        {
            Assert.True(s.InFlight + s.Buffered <= settings.AdmissionCapacity, $"open {s.InFlight}+{s.Buffered} > {settings.AdmissionCapacity}");
            Assert.True(s.PendingGeneratorRequests <= settings.Generators);
        });
    }

    [Fact]
    public async Task InFlightWeightUpdatesShowUpInTokenVersions()
    {
        // Slow generation, fast learner, η = 3: responses span several versions.
        var settings = PipelineHarness.Settings(maxStaleness: 3, steps: 12, generators: 2);
        var (_, consumed, _) = await PipelineHarness.RunAsync(settings, new SyntheticWorkload(40 * Ms, 5 * Ms, DecodeSteps: 8));
        Assert.Contains(consumed, c => c.Group.Rollouts.Any(r => r.TokenVersions.Distinct().Count() > 1));
    }

    [Fact]
    public async Task DynamicSamplingDropsGroupsWithEqualRewardsAndCountsThem()
    {
        var settings = PipelineHarness.Settings(maxStaleness: 1, steps: 5, groupSize: 2);
        var (summary, consumed, _) = await PipelineHarness.RunAsync(settings, new SyntheticWorkload(3 * Ms, 3 * Ms), dynamicSampling: true);
        Assert.True(summary.DroppedUniform > 0);
        Assert.All(consumed, c => Assert.False(c.Group.AllRewardsEqual));
    }
}
