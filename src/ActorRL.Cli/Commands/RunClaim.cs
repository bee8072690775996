using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;

namespace ActorRL.Cli.Commands;

/// <summary>
/// What <c>actorrl train</c> holds for its whole run: the run directory's lock, the run's id and, on a shared
/// PostgreSQL journal, the fence on its persistence id. It is taken before anything in the directory is written
/// or deleted, so a second learner that is refused (with <c>--fresh</c> too) has changed nothing.
/// </summary>
public sealed class RunClaim : IDisposable
{
    private readonly RunLock _lock;
    private readonly JournalFence _fence;

    private RunClaim(RunLock @lock, JournalFence fence, string id)
    {
        _lock = @lock;
        _fence = fence;
        Id = id;
    }

    /// <summary>The run's id: recorded in the directory, its name for one trained in before run ids, or new.</summary>
    public string Id { get; }

    /// <exception cref="RunInUseException">Another learner holds the run directory or the persistence id.</exception>
    public static async Task<RunClaim> TakeAsync(ActorRLSettings settings, CancellationToken cancellation)
    {
        var directory = settings.Run.Directory;
        var held = RunLock.Acquire(directory);
        try
        {
            // A directory trained in before run ids keeps its name as its id, so its ledger is still found.
            var id = RunId.Read(directory) ?? (RunDirectory.TrainedInBefore(directory) ? RunId.FromName(directory) : RunId.New());
            var fence = await JournalFence.AcquireAsync(settings.Persistence, settings.Persistence.PersistenceIdOf(id), cancellation);
            return new RunClaim(held, fence, id);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Records the id in the prepared directory, where the learner, <c>ledger</c> and <c>export</c> read it.</summary>
    public void RecordId(string runDirectory) => RunId.Write(runDirectory, Id);

    public void Dispose()
    {
        _fence.Dispose();
        _lock.Dispose();
    }
}
