using ActorRL.Engine.Persistence;
using ActorRL.Tests.Shared;
using Npgsql;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>
/// One learner per persistence id on a shared PostgreSQL journal, with real processes: a learner in another
/// directory with the same configured id is refused, and one killed with SIGKILL leaves the id free.
/// </summary>
public sealed class JournalFenceProcessTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-fence-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>What the journal and snapshot store hold for one persistence id.</summary>
    private static async Task<string> Rows(string connection, string persistenceId)
    {
        await using var session = new NpgsqlConnection(connection);
        await session.OpenAsync();
        await using var query = new NpgsqlCommand("""
            SELECT (SELECT count(*) || '/' || coalesce(max(sequence_number), 0) FROM journal WHERE persistence_id = @id)
                || ' ' || (SELECT count(*) || '/' || coalesce(max(sequence_number), 0) FROM snapshot WHERE persistence_id = @id)
            """, session);
        query.Parameters.AddWithValue("id", persistenceId);
        return (string)(await query.ExecuteScalarAsync())!;
    }

    private static async Task<bool> CanFence(PersistenceSettings settings, string persistenceId)
    {
        try
        {
            using var fence = await JournalFence.AcquireAsync(settings, persistenceId);
            return true;
        }
        catch (RunInUseException)
        {
            return false;
        }
    }

    [SkippableFact]
    public async Task A_second_learner_on_the_same_PostgreSQL_ledger_is_refused_and_a_killed_one_leaves_it_free()
    {
        var connection = TestPostgres.ConnectionOrSkip();
        var id = $"learner-test-{Guid.NewGuid():N}";
        var postgres = $"persistence {{ provider = postgres, connection-string = \"{connection}\", persistence-id = \"{id}\" }}";
        var (doneCode, doneOutput) = await new ChildRun(_root, "a", maxStaleness: 1, rlSteps: 2, checkpointEvery: 1, postgres).RunAsync(timeout: Generous);
        Assert.True(doneCode == 0, doneOutput);
        var first = new ChildRun(_root, "a", maxStaleness: 1, rlSteps: 5, checkpointEvery: 1, postgres);
        // "Resuming" is printed once the run is claimed (directory lock and fence), before the learner starts.
        using var learner = await first.LaunchUntilAsync(l => l.Output.Contains("Resuming the run"), "the learner claimed its run", Generous);

        await ProcessSignals.WhileStoppedAsync(learner.Id, async () =>
        {
            var before = await Rows(connection, id);
            var second = new ChildRun(_root, "b", maxStaleness: 0, rlSteps: 3, checkpointEvery: 1, postgres);

            var (code, output, error) = await CliRunner.Run("train", second.PipelineFile, "--fresh", "--yes");

            Assert.True(code == 2, $"exit {code}\n{output}\n{error}");
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"the ledger {id} on PostgreSQL is in use by another learner (pid {learner.Id} on host {Environment.MachineName}", line);
            Assert.Equal(before, await Rows(connection, id));
            Assert.All(Directory.GetFileSystemEntries(second.RunDirectory), e => Assert.Contains(Path.GetFileName(e), RunLock.Files));
        });

        // SIGKILL: the server ends the learner's session, and the fence with it, when it sees the connection close.
        learner.KillHard();
        await learner.WaitAsync(Generous);
        await Poll.Until(() => CanFence(first.Settings.Persistence, id), Generous, () => $"{id} stayed fenced after its learner was killed");
        var (again, againOutput) = await first.RunAsync(timeout: Generous);
        Assert.True(again == 0, againOutput);
        Assert.Contains("Resuming the run", againOutput);
    }
}
