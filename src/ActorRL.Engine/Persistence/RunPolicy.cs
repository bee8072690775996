using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// Which weights are a run's policy, as its ledger says: the newest committed checkpoint (or the one of a given
/// step), verified against the sizes and SHA-256 its commit recorded before anything reads it. The learner resumes
/// from the same ledger, and <c>eval</c>, <c>export</c> and the benchmarks read the policy through here: files that
/// no commit names are never taken for the policy.
/// </summary>
public static class RunPolicy
{
    /// <summary>The committed checkpoints still kept, oldest first; empty when the run has no ledger yet.</summary>
    /// <exception cref="ExplainedRunFailure">The ledger cannot be read (e.g. its PostgreSQL server is down).</exception>
    public static async Task<IReadOnlyList<CheckpointCommitted>> CommittedAsync(PersistenceSettings settings, string runDirectory, TimeSpan? timeout = null)
    {
        // A SQLite ledger that does not exist is not created by looking for it.
        if (settings is { Provider: PersistenceProvider.Sqlite, ConnectionString: null } && !File.Exists(Path.Combine(runDirectory, PersistenceSettings.LedgerFile)))
            return Array.Empty<CheckpointCommitted>();
        // Unreadable: LedgerUnreadableException, an explained failure naming the ledger and why.
        var history = await LedgerHistory.ReadAsync(settings, runDirectory, timeout ?? TimeSpan.FromSeconds(30));
        return history.Aggregate(LedgerState.Empty, (state, e) => state.Apply(e, settings.KeepLast)).Checkpoints;
    }

    /// <summary>The newest committed checkpoint (or that of <paramref name="step"/>), verified; its directory is absolute.</summary>
    /// <exception cref="PolicyUnavailableException">No such committed checkpoint, or its files do not match the commit.</exception>
    /// <exception cref="ExplainedRunFailure">The ledger cannot be read.</exception>
    public static async Task<CommittedPolicy> FindAsync(PersistenceSettings settings, string runDirectory, int? step = null)
    {
        var committed = await CommittedAsync(settings, runDirectory);
        if (committed.Count == 0)
            throw new PolicyUnavailableException($"the ledger of {runDirectory} has no committed checkpoint yet");
        var checkpoint = step is { } wanted
            ? committed.LastOrDefault(c => c.Step == wanted)
              ?? throw new PolicyUnavailableException($"the ledger has no committed checkpoint of step {wanted} (kept: {string.Join(", ", committed.Select(c => c.Step))})")
            : committed[^1];
        return Verified(runDirectory, checkpoint);
    }

    /// <summary>The committed checkpoint in <paramref name="checkpointDirectory"/> (a folder of the run), verified.</summary>
    /// <exception cref="PolicyUnavailableException">The ledger did not commit that folder, or its files do not match.</exception>
    /// <summary>
    /// Loads a verified checkpoint's weights into <paramref name="policy"/>; adapters trained on another base than the
    /// one the settings name are refused as a <see cref="PolicyUnavailableException"/>, never loaded.
    /// </summary>
    public static void LoadVerified(string checkpointDirectory, ActorRL.Model.Policies.IPolicy policy)
    {
        try
        {
            ActorRL.Model.Checkpoints.Checkpoint.Load(checkpointDirectory, policy);
        }
        catch (ActorRL.Model.Checkpoints.CheckpointMismatchException e)
        {
            throw new PolicyUnavailableException(e.Message);
        }
    }

    public static async Task<CommittedPolicy> AtAsync(PersistenceSettings settings, string runDirectory, string checkpointDirectory)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(runDirectory), Path.GetFullPath(checkpointDirectory));
        var committed = await CommittedAsync(settings, runDirectory);
        var checkpoint = committed.LastOrDefault(c => Path.TrimEndingDirectorySeparator(c.Directory) == Path.TrimEndingDirectorySeparator(relative))
            ?? throw new PolicyUnavailableException(
                $"{checkpointDirectory} is not a checkpoint the ledger of {runDirectory} committed (kept: {string.Join(", ", committed.Select(c => c.Directory))})");
        return Verified(runDirectory, checkpoint);
    }

    private static CommittedPolicy Verified(string runDirectory, CheckpointCommitted checkpoint) =>
        CheckpointVerifier.Problem(runDirectory, checkpoint) is { } problem
            ? throw new PolicyUnavailableException($"the checkpoint of step {checkpoint.Step} does not match its ledger entry and is not used: {problem}")
            : new CommittedPolicy(checkpoint, Path.GetFullPath(Path.Combine(runDirectory, checkpoint.Directory)));
}

/// <summary>A run's policy: its ledger entry and the checkpoint folder (absolute) that holds it, verified.</summary>
public sealed record CommittedPolicy(CheckpointCommitted Checkpoint, string Directory);

/// <summary>The ledger names no usable checkpoint for what was asked; the message says why in one line.</summary>
public sealed class PolicyUnavailableException(string message) : Exception(message);
