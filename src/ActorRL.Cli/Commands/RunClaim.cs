using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;

namespace ActorRL.Cli.Commands;

/// <summary>
/// What <c>actorrl train</c> holds for its whole run: the run directory's lock, and the run's id. It is taken
/// before anything in the directory is written or deleted, so a second learner that is refused (with <c>--fresh</c>
/// too) has changed nothing.
/// </summary>
public sealed class RunClaim : IDisposable
{
    private readonly RunLock _lock;

    private RunClaim(RunLock @lock, string id)
    {
        _lock = @lock;
        Id = id;
    }

    /// <summary>The run's id: recorded in the directory, its name for one trained in before run ids, or new.</summary>
    public string Id { get; }

    /// <exception cref="RunInUseException">Another learner holds the run.</exception>
    public static RunClaim Take(ActorRLSettings settings)
    {
        var directory = settings.Run.Directory;
        var held = RunLock.Acquire(directory);
        try
        {
            // A directory trained in before run ids keeps its name as its id, so its ledger is still found.
            var id = RunId.Read(directory) ?? (RunDirectory.TrainedInBefore(directory) ? RunId.FromName(directory) : RunId.New());
            return new RunClaim(held, id);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Records the id in the prepared directory, where the learner, <c>ledger</c> and <c>export</c> read it.</summary>
    public void RecordId(string runDirectory) => RunId.Write(runDirectory, Id);

    public void Dispose() => _lock.Dispose();
}
