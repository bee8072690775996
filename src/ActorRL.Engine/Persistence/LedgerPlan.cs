namespace ActorRL.Engine.Persistence;

/// <summary>What the learner needs to keep its ledger and checkpoints (resolved from settings at the edge).</summary>
/// <param name="Fresh">Delete this persistence id's events first (<c>--fresh</c>; a SQLite run directory is simply emptied).</param>
public sealed record LedgerPlan(
    string PersistenceId,
    string RunDirectory,
    int CheckpointEvery,
    int KeepLast,
    int SnapshotEvery,
    TimeSpan RetryMinBackoff,
    TimeSpan RetryMaxBackoff,
    bool Fresh)
{
    public const string CheckpointsFolder = "checkpoints";

    public static LedgerPlan From(PersistenceSettings settings, string runDirectory, bool fresh) => new(
        settings.PersistenceIdFor(runDirectory), runDirectory, settings.CheckpointEvery, settings.KeepLast, settings.SnapshotEvery,
        settings.RetryMinBackoff, settings.RetryMaxBackoff, fresh);

    /// <summary>The checkpoint directory of an RL step, relative to the run directory.</summary>
    public static string CheckpointDirectory(int step) => Path.Combine(CheckpointsFolder, $"step-{step:D6}");
}
