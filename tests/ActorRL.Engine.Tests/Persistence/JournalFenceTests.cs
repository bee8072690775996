using ActorRL.Engine.Persistence;
using ActorRL.Tests.Shared;

namespace ActorRL.Engine.Tests.Persistence;

/// <summary>
/// The fence on a persistence id in a shared PostgreSQL journal, between two sessions of this process (each fence
/// has its own). A learner killed with -9 is tested with real processes in ActorRL.Cli.Tests.
/// </summary>
public sealed class JournalFenceTests
{
    private static PersistenceSettings Postgres(string connection) =>
        new(PersistenceProvider.Postgres, connection, null, 1, 1, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    [SkippableFact]
    public async Task A_second_learner_with_the_same_persistence_id_is_refused_in_one_line_naming_the_holder()
    {
        var settings = Postgres(TestPostgres.ConnectionOrSkip());
        var id = $"learner-test-{Guid.NewGuid():N}";
        using var held = await JournalFence.AcquireAsync(settings, id);

        var refused = await Assert.ThrowsAsync<RunInUseException>(() => JournalFence.AcquireAsync(settings, id));

        Assert.Contains($"the ledger {id} on PostgreSQL is in use", refused.Message);
        Assert.Contains($"pid {Environment.ProcessId} on host {Environment.MachineName}, PostgreSQL backend ", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [SkippableFact]
    public async Task A_released_fence_can_be_taken_again_and_other_ids_are_not_fenced()
    {
        var settings = Postgres(TestPostgres.ConnectionOrSkip());
        var id = $"learner-test-{Guid.NewGuid():N}";
        using (await JournalFence.AcquireAsync(settings, id))
        {
            using var other = await JournalFence.AcquireAsync(settings, id + "-other");
        }

        using var again = await JournalFence.AcquireAsync(settings, id);
    }

    [Fact]
    public async Task SQLite_needs_no_fence_its_ledger_is_in_the_locked_run_directory()
    {
        var settings = new PersistenceSettings(PersistenceProvider.Sqlite, null, null, 1, 1, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        using var first = await JournalFence.AcquireAsync(settings, "learner-run");
        using var second = await JournalFence.AcquireAsync(settings, "learner-run");
    }

    [Fact]
    public async Task Without_a_reachable_server_the_run_does_not_start_and_says_why_in_one_line()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        var settings = Postgres("Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=none;Timeout=5");

        var failure = await Assert.ThrowsAsync<ActorRL.Engine.Pipeline.ExplainedRunFailure>(() => JournalFence.AcquireAsync(settings, "learner-run"));

        Assert.StartsWith("cannot fence the ledger learner-run on PostgreSQL, so the run does not start: ", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public void The_key_is_stable_and_tells_ids_apart()
    {
        Assert.Equal(JournalFence.Key("learner-a"), JournalFence.Key("learner-a"));
        Assert.NotEqual(JournalFence.Key("learner-a"), JournalFence.Key("learner-b"));
    }
}
