using ActorRL.Cli.Live;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Tests.Live;

/// <summary>Inputs shaped like what the metrics recorder and the coordinator report mid-run.</summary>
internal static class LiveSnapshots
{
    public static readonly LearnerPlan Plan = new(WarmStartSteps: 100, RlSteps: 120, GroupsPerStep: 8, EvalEvery: 20, EvaluateAround: true);

    public static MetricsRecord Record(string kind, int step, params (string Key, double Value)[] values) =>
        new(kind, step, step, 1.0, values.ToDictionary(v => v.Key, v => v.Value));

    public static LatestMetrics Latest(params MetricsRecord[] records) => new(records.ToDictionary(r => r.Kind));

    public static CoordinatorStats Stats(long tokens = 0, long droppedStale = 0, long droppedUniform = 0, long version = 0, long waitsForDue = 0) =>
        new(version, InFlight: 4, Buffered: 3, Capacity: 8, GroupsScored: 50, GroupsConsumed: 40, droppedStale, droppedUniform,
            GenerationFailures: 0, PromptsRequeued: 0, new Dictionary<string, long>(), tokens, MaxObservedStaleness: 2,
            PendingGeneratorRequests: 0, PromptCursor: "arithmetic:50", LearnerWaitsForDueGroup: waitsForDue);

    /// <summary>RL step 37 of 120 with every number the view shows.</summary>
    public static LiveSnapshot MidRl() => new()
    {
        Stage = RunStage.Rl,
        Step = 37,
        TotalSteps = 120,
        Version = 137,
        Elapsed = TimeSpan.FromSeconds(192.4),
        Loss = 0.0123,
        Reward = 0.512,
        Accuracy = 0.54,
        AccuracyBeforeRl = 0.31,
        ResponseLength = 12.3,
        ClipFraction = 0.0213,
        Entropy = 0.456,
        StalenessMean = 0.8,
        StalenessMax = 2,
        DroppedStale = 3,
        DroppedUniform = 5,
        WaitsForDueGroup = 6,
        InFlight = 4,
        Buffered = 3,
        BufferCapacity = 8,
        TokensGenerated = 100_000,
        TokensPerSecond = 1234.4,
        LearnerStepSeconds = 1.23,
        LearnerIdleFraction = 0.12,
        GeneratorIdleFraction = 0.4,
    };
}
