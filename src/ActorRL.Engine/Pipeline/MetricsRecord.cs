namespace ActorRL.Engine.Pipeline;

/// <summary>
/// One line of metrics.jsonl: a learner step (<c>kind = "sft"</c> or <c>"rl"</c>) or an evaluation
/// (<c>"eval"</c>). Values are flat, named numbers so any tool can plot them.
/// </summary>
public sealed record MetricsRecord(string Kind, int Step, long Version, double WallSeconds, IReadOnlyDictionary<string, double> Values);

/// <summary>
/// What a run reports at its end (summary.json). <see cref="AlreadyComplete"/>: the ledger says this run had
/// finished before this attempt, which did nothing (its summary.json stands).
/// </summary>
public sealed record RunSummary(
    double? AccuracyBefore,
    double? AccuracyAfter,
    int Steps,
    int WarmStartSteps,
    double WallSeconds,
    double RlWallSeconds,
    long FinalVersion,
    long GroupsConsumed,
    long DroppedStale,
    long DroppedUniform,
    long GenerationFailures,
    IReadOnlyDictionary<string, long> VerifierFailures,
    int MaxStaleness,
    IReadOnlyDictionary<string, long>? GroupsByNode = null,
    bool AlreadyComplete = false,
    IReadOnlyList<Lifecycle.QuarantinedPrompt>? Quarantined = null,
    long LearnerWaitsForDueGroup = 0,
    long GroupsRefusedFromOtherHolder = 0,
    long GroupsRefusedMalformed = 0);
