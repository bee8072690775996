using ActorRL.Core.Rollouts;
using ActorRL.Engine.Persistence;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Benchmarks.Pipeline;

/// <summary>
/// Wraps a run's compute (learner, generators, verifiers) in timers that write to one <see cref="ComputeTimeline"/>,
/// and tallies the staleness of every group the learner consumes. The actors are untouched: they drive the same
/// interfaces, so the run measured is the run a user gets.
/// </summary>
public sealed class TimedParts
{
    private readonly object _gate = new();
    private double _stalenessSum;
    private long _groups;

    public ComputeTimeline Timeline { get; } = new();

    /// <summary>Mean staleness (learner version − oldest token version) over every consumed group.</summary>
    public double MeanStaleness
    {
        get
        {
            lock (_gate) return _groups == 0 ? 0 : _stalenessSum / _groups;
        }
    }

    public PipelineParts Wrap(PipelineParts parts)
    {
        var generator = parts.GeneratorBackend;
        var trainer = parts.Trainer;
        return parts with
        {
            GeneratorBackend = index => new TimedRolloutBackend(generator(index), Timeline, $"generator-{index + 1}"),
            Trainer = () => new TimedTrainer(trainer(), this),
            Rewards = new TimedRewardFunction(parts.Rewards, Timeline),
        };
    }

    private void CountConsumed(IReadOnlyList<RolloutGroup> batch, long learnerVersion)
    {
        lock (_gate)
        {
            foreach (var group in batch) _stalenessSum += group.Staleness(learnerVersion);
            _groups += batch.Count;
        }
    }

    private sealed class TimedTrainer(IPolicyTrainer inner, TimedParts owner) : IPolicyTrainer
    {
        private const string Actor = "learner";

        // Checkpoints are the learner's work too; they count as weight export (I/O on the learner's thread).
        public IReadOnlyList<CommittedFile> SaveCheckpoint(string directory, int rlStep) =>
            owner.Timeline.Time(ComputeKind.WeightExport, Actor, () => inner.SaveCheckpoint(directory, rlStep));

        public void LoadCheckpoint(string directory, int rlStep) => inner.LoadCheckpoint(directory, rlStep);

        public long Version => inner.Version;

        public IReadOnlyDictionary<string, double> WarmStartStep(int step) => inner.WarmStartStep(step);

        public void RlStartsHere() => inner.RlStartsHere();

        public IReadOnlyDictionary<string, double> Train(IReadOnlyList<RolloutGroup> batch)
        {
            owner.CountConsumed(batch, inner.Version);
            return owner.Timeline.Time(ComputeKind.LearnerStep, Actor, () => inner.Train(batch));
        }

        public IReadOnlyDictionary<string, double> Evaluate()
        {
            var values = owner.Timeline.Time(ComputeKind.Evaluation, Actor, inner.Evaluate);
            owner.Timeline.MarkCpu();
            return values;
        }

        // Published after every step: where the RL window ends, so the CPU time is read here too.
        public PolicySnapshot Snapshot()
        {
            var snapshot = owner.Timeline.Time(ComputeKind.WeightExport, Actor, inner.Snapshot);
            owner.Timeline.MarkCpu();
            return snapshot;
        }

        public void Dispose() => inner.Dispose();
    }

    private sealed class TimedRolloutBackend(IRolloutBackend inner, ComputeTimeline timeline, string actor) : IRolloutBackend
    {
        public long Version => inner.Version;

        public void LoadWeights(WeightsPublished weights) => timeline.Time(ComputeKind.WeightLoad, actor, () => inner.LoadWeights(weights));

        public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName) =>
            new TimedGeneration(timeline.Time(ComputeKind.Generation, actor, () => inner.Begin(items, generatorName)), timeline, actor);

        public void Dispose() => inner.Dispose();
    }

    private sealed class TimedGeneration(IGroupGeneration inner, ComputeTimeline timeline, string actor) : IGroupGeneration
    {
        public bool IsFinished => inner.IsFinished;

        public void Step() => timeline.Time(ComputeKind.Generation, actor, inner.Step);

        // Turning the finished sequences into groups is the backend's work too, not the actor's.
        public IReadOnlyList<RolloutGroup> Results => timeline.Time(ComputeKind.Generation, actor, () => inner.Results);

        public long TokensGenerated => inner.TokensGenerated;

        public int Room => inner.Room;

        public void Admit(IReadOnlyList<WorkItem> items) => timeline.Time(ComputeKind.Generation, actor, () => inner.Admit(items));

        public IReadOnlyList<RolloutGroup> TakeFinished() => timeline.Time(ComputeKind.Generation, actor, inner.TakeFinished);

        public void Dispose() => inner.Dispose();
    }

    private sealed class TimedRewardFunction(IRewardFunction inner, ComputeTimeline timeline) : IRewardFunction
    {
        public (RolloutGroup Scored, IReadOnlyDictionary<string, int> Failures) Score(RolloutGroup group) =>
            timeline.Time(ComputeKind.Verification, "verifier", () => inner.Score(group));
    }
}
