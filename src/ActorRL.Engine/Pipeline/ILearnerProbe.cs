namespace ActorRL.Engine.Pipeline;

/// <summary>
/// Where the learner is in its record of the run, for whoever watches (fault injection in the recovery tests; the
/// CLI installs one when <c>ACTORRL_CRASH_AT</c> is set). Called on the learner's thread, at the moments a crash
/// is worth testing; production runs use <see cref="NoLearnerProbe"/>.
/// </summary>
public interface ILearnerProbe
{
    /// <summary>RL step <paramref name="step"/> is trained; nothing about it is recorded yet.</summary>
    void StepTrained(int step);

    /// <summary>The checkpoint of step <paramref name="step"/> is on disk; its ledger event is not yet persisted.</summary>
    void CheckpointWritten(int step);

    /// <summary>The ledger event of step <paramref name="step"/>'s checkpoint is durable.</summary>
    void CheckpointCommitted(int step);
}

/// <summary>Watches nothing.</summary>
public sealed class NoLearnerProbe : ILearnerProbe
{
    public static readonly NoLearnerProbe Instance = new();

    private NoLearnerProbe()
    {
    }

    public void StepTrained(int step) { }

    public void CheckpointWritten(int step) { }

    public void CheckpointCommitted(int step) { }
}
