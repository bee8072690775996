namespace ActorRL.Cli.Live;

/// <summary>Where the learner is: warm start, an evaluation, RL, or finished.</summary>
public enum RunStage
{
    Sft,
    Eval,
    Rl,
    Done,
}

/// <summary>
/// What the live view shows at one moment: the learner's latest step metrics (metrics recorder) and the
/// pipeline's counters (rollout coordinator). Null means "not measured yet" (no RL step so far, no evaluation,
/// no generator activity source) and is shown as a dash, never as a made-up zero.
/// </summary>
public sealed record LiveSnapshot
{
    public required RunStage Stage { get; init; }
    /// <summary>Step within the stage: warm-start step during sft, RL step during rl and eval.</summary>
    public required int Step { get; init; }
    public required int TotalSteps { get; init; }
    /// <summary>Policy version of the learner.</summary>
    public required long Version { get; init; }
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Loss of the current stage's last step (cross-entropy in sft, policy loss in rl).</summary>
    public double? Loss { get; init; }
    public double? Reward { get; init; }
    /// <summary>Latest held-out accuracy (fraction), and the one measured before RL.</summary>
    public double? Accuracy { get; init; }
    public double? AccuracyBeforeRl { get; init; }
    public double? ResponseLength { get; init; }
    public double? ClipFraction { get; init; }
    public double? Entropy { get; init; }
    public double? StalenessMean { get; init; }
    public double? StalenessMax { get; init; }

    /// <summary>Groups dropped as too stale, and as uninformative (all rewards equal, DAPO dynamic sampling).</summary>
    public long DroppedStale { get; init; }
    public long DroppedUniform { get; init; }
    /// <summary>Batches the learner held back for a group that was due (earliest deadline first) instead of taking later ones; each is a stale drop avoided.</summary>
    public long WaitsForDueGroup { get; init; }
    public int InFlight { get; init; }
    public int Buffered { get; init; }
    public int BufferCapacity { get; init; }

    /// <summary>Tokens generated since the run began (the counter the rate is derived from).</summary>
    public long TokensGenerated { get; init; }
    /// <summary>Generator throughput, smoothed over a few seconds.</summary>
    public double? TokensPerSecond { get; init; }

    public double? LearnerStepSeconds { get; init; }
    /// <summary>Share of the last RL step the learner spent waiting for rollouts: idle / (idle + compute).</summary>
    public double? LearnerIdleFraction { get; init; }

    /// <summary>Summed generator busy seconds since the run began, when the caller can measure it.</summary>
    public double? GeneratorBusySeconds { get; init; }
    /// <summary>Generator busy seconds per second (summed over generators), smoothed; the basis of the idle fraction.</summary>
    public double? GeneratorBusyRate { get; init; }
    /// <summary>Share of generator time spent idle, smoothed over a few seconds.</summary>
    public double? GeneratorIdleFraction { get; init; }
}
