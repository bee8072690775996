using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Pipeline;

/// <summary>
/// Every failure that used to end in a silent hang, on the real actor pipeline: it either recovers (leases,
/// quarantine) or ends the run with one line naming what is stuck.
/// </summary>
public class NoSilentHangTests
{
    private static readonly SyntheticWorkload Workload = new(TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(4));

    private static PipelineSettings Settings(int steps = 6, int generators = 2, TimeSpan? generationLease = null, TimeSpan? stallAfter = null) =>
        PipelineHarness.Settings(maxStaleness: 1, steps: steps, generators: generators) with
        {
            PromptsPerGeneration = 4,
            StallAfter = stallAfter ?? TimeSpan.FromSeconds(30),
            Leases = PipelineSettings.DefaultLeases with { Generation = generationLease ?? TimeSpan.FromMinutes(1) },
        };

    /// <summary>Throws whenever it is handed <paramref name="poisonId"/>, as a generator that a prompt crashes.</summary>
    private sealed class PoisonedBackend(IRolloutBackend inner, string poisonId) : IRolloutBackend
    {
        public long Version => inner.Version;
        public void LoadWeights(WeightsPublished weights) => inner.LoadWeights(weights);
        public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName) =>
            items.Any(i => i.Prompt.Id == poisonId) ? throw new InvalidOperationException("this prompt crashes the generator") : inner.Begin(items, generatorName);
        public void Dispose() => inner.Dispose();
    }

    /// <summary>Loses the group of <paramref name="lostId"/> the first time (as a GroupGenerated over the frame size would be).</summary>
    private sealed class LosingBackend(IRolloutBackend inner, string lostId, Func<bool> loseNow) : IRolloutBackend
    {
        public long Version => inner.Version;
        public void LoadWeights(WeightsPublished weights) => inner.LoadWeights(weights);
        public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName) => new Losing(inner.Begin(items, generatorName), lostId, loseNow);
        public void Dispose() => inner.Dispose();

        private sealed class Losing(IGroupGeneration inner, string lostId, Func<bool> loseNow) : IGroupGeneration
        {
            public bool IsFinished => inner.IsFinished;
            public void Step() => inner.Step();
            public IReadOnlyList<RolloutGroup> Results => inner.Results.Where(g => g.PromptId != lostId || !loseNow()).ToList();
            public long TokensGenerated => inner.TokensGenerated;
            public void Dispose() => inner.Dispose();
        }
    }

    /// <summary>Never finishes a generation (a hung decode loop).</summary>
    private sealed class HungBackend : IRolloutBackend
    {
        public long Version { get; private set; }
        public void LoadWeights(WeightsPublished weights) => Version = weights.Version;
        public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName) => new Hung();
        public void Dispose() { }

        private sealed class Hung : IGroupGeneration
        {
            public bool IsFinished => false;
            public void Step() => Thread.Sleep(20);
            public IReadOnlyList<RolloutGroup> Results => [];
            public long TokensGenerated => 0;
            public void Dispose() { }
        }
    }

    /// <summary>A task whose stream cannot be read past one position (a corrupt dataset line).</summary>
    private sealed class BrokenTask(long brokenAt) : IVerifiableTask
    {
        private readonly SyntheticTask _inner = new();
        public string Name => "broken";
        public TaskPrompt PromptAt(PromptCursor position) =>
            position.Index == brokenAt ? throw new InvalidDataException($"cannot read prompt {brokenAt}") : _inner.PromptAt(position);
        public PromptCursor After(PromptCursor position) => _inner.After(position);
        public IReadOnlyList<TaskPrompt> EvalPrompts => _inner.EvalPrompts;
        public bool HasDemonstrations => false;
        public Demonstration DemonstrationAt(long index) => _inner.DemonstrationAt(index);
        public string? Alphabet => null;
        public IAnswerVerifier Verifier => _inner.Verifier;
    }

    /// <summary>A learner whose third step never returns until the run is torn down.</summary>
    private sealed class StuckTrainer(IPolicyTrainer inner, ManualResetEventSlim release) : IPolicyTrainer
    {
        private int _steps;
        public long Version => inner.Version;
        public IReadOnlyDictionary<string, double> WarmStartStep(int step) => inner.WarmStartStep(step);
        public void RlStartsHere() => inner.RlStartsHere();
        public IReadOnlyList<ActorRL.Engine.Persistence.CommittedFile> SaveCheckpoint(string directory, int rlStep) => inner.SaveCheckpoint(directory, rlStep);
        public void LoadCheckpoint(string directory, int rlStep) => inner.LoadCheckpoint(directory, rlStep);
        public IReadOnlyDictionary<string, double> Train(IReadOnlyList<RolloutGroup> batch)
        {
            if (++_steps == 3) release.Wait(TimeSpan.FromMinutes(2));
            return inner.Train(batch);
        }
        public IReadOnlyDictionary<string, double> Evaluate() => inner.Evaluate();
        public PolicySnapshot Snapshot() => inner.Snapshot();
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public async Task APromptThatAlwaysCrashesItsGeneratorIsQuarantinedAndTheRunFinishesWithoutIt()
    {
        var (summary, consumed, _) = await PipelineHarness.RunAsync(Settings(), Workload,
            i => new PoisonedBackend(new SyntheticRolloutBackend(Workload, i), "synthetic:5"));

        Assert.Equal(6, summary.Steps);
        var quarantined = Assert.Single(summary.Quarantined!);
        Assert.Equal(("synthetic:5", "e0:i5", 3), (quarantined.PromptId, quarantined.Position, quarantined.Failures));
        Assert.Contains("crashes the generator", quarantined.LastFailure);
        // Its batch-mates were generated again and trained on: the 24 groups are prompts 0–24 without 5, once each.
        var ids = consumed.Select(c => c.Group.PromptId).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 25).Where(i => i != 5).Select(i => $"synthetic:{i}").Order(), ids);
    }

    [Fact]
    public async Task AGroupLostOnItsWayBackIsGeneratedAgainWhenItsLeaseEnds()
    {
        var lost = 0;
        var (summary, consumed, _) = await PipelineHarness.RunAsync(Settings(generationLease: TimeSpan.FromSeconds(1)), Workload,
            i => new LosingBackend(new SyntheticRolloutBackend(Workload, i), "synthetic:3", () => Interlocked.Increment(ref lost) == 1));

        Assert.Equal(6, summary.Steps);
        Assert.True(lost >= 2, "the lost prompt was never generated again");
        Assert.Single(consumed, c => c.Group.PromptId == "synthetic:3");
        Assert.True(summary.GenerationFailures >= 1);
        Assert.Equal(consumed.Count, consumed.Select(c => c.Group.PromptId).Distinct().Count());
    }

    [Fact]
    public async Task AHungGeneratorEndsTheRunWithOneLineNamingTheStuckStage()
    {
        var failure = await Assert.ThrowsAsync<PipelineStalledException>(() => PipelineHarness.RunAsync(
            Settings(generators: 1, generationLease: TimeSpan.FromMilliseconds(500), stallAfter: TimeSpan.FromSeconds(2)), Workload, _ => new HungBackend()));

        Assert.Contains("sat queued", failure.Message);
        Assert.Contains("no generator asked for work", failure.Message);
        Assert.Contains("pipeline.stall-after", failure.Message);
        Assert.DoesNotContain("\n", failure.Message);
    }

    [Fact]
    public async Task ACoordinatorFailureEndsTheRunInsteadOfHanging()
    {
        var failure = await Assert.ThrowsAsync<PipelineStalledException>(() => PipelineHarness.RunAsync(Settings(), Workload, task: new BrokenTask(brokenAt: 9)));

        Assert.Contains("the coordinator failed (InvalidDataException: cannot read prompt 9)", failure.Message);
    }

    [Fact]
    public async Task ALearnerStepThatNeverReturnsEndsTheRunNamingTheStepAsStuck()
    {
        using var release = new ManualResetEventSlim();
        var failure = await Assert.ThrowsAsync<PipelineStalledException>(() => PipelineHarness.RunAsync(
            Settings(stallAfter: TimeSpan.FromSeconds(2)), Workload,
            wrapTrainer: t => new StuckTrainer(t, release), whenStopping: _ => release.Set()));

        // The batch's in-training lease (pipeline.stall-after) ends it, or the watchdog does when its check comes first
        // (both run every quarter of stall-after): either way the line names the step and the batch it holds.
        Assert.Contains("one learner step is taking longer than pipeline.stall-after", failure.Message);
        Assert.Contains("4 in training", failure.Message);
    }
}
