namespace ActorRL.Engine.Pipeline.Lifecycle;

/// <summary>A prompt the run gave up on: its generation failed <see cref="Failures"/> times.</summary>
/// <param name="Position">Its cursor in the task's stream (e0:i123).</param>
public sealed record QuarantinedPrompt(string PromptId, string Position, int Failures, string LastFailure);

/// <summary>What became of a scored group.</summary>
public enum ScoredOutcome
{
    /// <summary>Admitted to the buffer.</summary>
    Buffered,

    /// <summary>Overtaken by later groups past the staleness bound: its prompt is queued to be generated again.</summary>
    DroppedStale,

    /// <summary>All rewards equal under dynamic sampling: no signal, the prompt is used up (DAPO moves on).</summary>
    DroppedUniform,

    /// <summary>Not the prompt's current attempt (its lease expired, or it was given back): ignored.</summary>
    Ignored,
}

/// <summary>A lease that ran out, and what the book did about it.</summary>
/// <param name="Held">How long the stage had held the prompt.</param>
/// <param name="Stalled">True for a stage only the learner or the generators as a whole can move (queued, buffered,
/// in training): nothing was changed and the run cannot go on. False: the attempt failed and was retried or
/// quarantined (see <see cref="Quarantined"/>).</param>
public sealed record LeaseExpired(string PromptId, string Position, PromptStage Stage, string? Holder, TimeSpan Held, bool Stalled, bool Quarantined);

/// <summary>How many prompts each live stage holds and for how long the oldest has been there.</summary>
public sealed record StageCensus(PromptStage Stage, int Count, TimeSpan Oldest);
