namespace ActorRL.Engine.Persistence;

// The learner's ledger: what it has durably done. Each event carries the learner's own sequence number, so an
// event re-sent after a journal failure is recognised and recorded once. Fields are plain values (strings,
// numbers, arrays) so the journal's JSON stays readable and stable across refactorings.

/// <summary>Marker for everything the ledger serializer handles (events and the snapshot).</summary>
public interface ILedgerMessage : ActorRL.Engine.Pipeline.ILocalOnly;

/// <summary>One event of the ledger.</summary>
public interface ILedgerEvent : ILedgerMessage
{
    /// <summary>1, 2, 3… in the order the learner produced the events.</summary>
    long Seq { get; }
}

/// <summary>A checkpoint file as committed: name within the checkpoint directory, size and SHA-256 (lower-case hex).</summary>
public sealed record CommittedFile(string Name, long Bytes, string Sha256);

/// <summary>
/// A checkpoint was written, flushed and renamed into place before this event was persisted. It holds all a
/// resume needs: where the weights are and how to verify them, the prompt cursor (the next fresh prompt) and the
/// prompts drawn but not consumed when step <see cref="Step"/>'s batch was served (regenerated first on resume).
/// <see cref="Quarantined"/>: prompts given up on so far (never handed out again; absent in journals written before quarantine).
/// </summary>
/// <param name="Directory">Relative to the run directory.</param>
public sealed record CheckpointCommitted(
    long Seq,
    int Step,
    long Version,
    string Directory,
    CommittedFile[] Files,
    string Cursor,
    string[] Outstanding,
    long GroupsConsumed,
    int WarmStartSteps,
    double? AccuracyBefore,
    Pipeline.Lifecycle.QuarantinedPrompt[]? Quarantined = null) : ILedgerEvent;

/// <summary>
/// Learner step <see cref="Step"/> trained on these groups (one prompt id per group): the consumption ledger. For each
/// group, the oldest and newest policy version that sampled its tokens (a step trains version − 1 into version), so an
/// asynchronous run can be audited afterwards; absent in journals written before they were recorded.
/// </summary>
public sealed record StepTrained(long Seq, int Step, long Version, string[] GroupIds, string[] PromptIds,
    long[]? OldestVersions = null, long[]? NewestVersions = null) : ILedgerEvent;

/// <summary>
/// The learner resumed from the checkpoint of <see cref="FromStep"/> (−1: from the beginning, nothing committed).
/// Steps after it that were trained before the crash are void: their prompts are trained on again.
/// </summary>
public sealed record RunResumed(long Seq, int FromStep, string? Directory) : ILedgerEvent;

/// <summary>All steps done and the final evaluation recorded.</summary>
public sealed record RunCompleted(long Seq, int Steps, long Version, double? AccuracyAfter) : ILedgerEvent;
