namespace ActorRL.Engine.Pipeline.Lifecycle;

/// <summary>
/// Where a drawn prompt stands. Every drawn prompt is in exactly one stage; every stage but the two terminal ones
/// (<see cref="Consumed"/>, <see cref="Quarantined"/>) holds a lease that expires (see <see cref="PromptBook"/>).
/// </summary>
public enum PromptStage
{
    /// <summary>Drawn, waiting for a generator (given back, dropped for staleness, or regenerated on resume).</summary>
    Queued,

    /// <summary>Handed to a generator, which owes a group before the generation lease ends.</summary>
    Generating,

    /// <summary>Its group is with the verifier pool, which owes the scores before the verification lease ends.</summary>
    Verifying,

    /// <summary>Its scored group waits in the rollout buffer for the learner.</summary>
    Buffered,

    /// <summary>Its group is in the batch the learner is training on now.</summary>
    InTraining,

    /// <summary>Used up: trained on (its update published), or filtered by dynamic sampling (all rewards equal).</summary>
    Consumed,

    /// <summary>Its generation failed too often; it is never handed out again, and the run goes on without it.</summary>
    Quarantined,
}
