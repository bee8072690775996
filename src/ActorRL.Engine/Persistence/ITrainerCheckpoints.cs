namespace ActorRL.Engine.Persistence;

/// <summary>
/// A learner whose state can be written to and restored from a checkpoint directory: weights, optimizer state and
/// whatever else makes step <c>rlStep + 1</c> after a restore identical to the step an uninterrupted run takes.
/// </summary>
public interface ITrainerCheckpoints
{
    /// <summary>Writes the files (each to a temporary name, flushed, renamed) and returns them as committed.</summary>
    IReadOnlyList<CommittedFile> SaveCheckpoint(string directory, int rlStep);

    /// <summary>Restores the state saved after RL step <paramref name="rlStep"/> (0 = right after the warm start).</summary>
    void LoadCheckpoint(string directory, int rlStep);
}
