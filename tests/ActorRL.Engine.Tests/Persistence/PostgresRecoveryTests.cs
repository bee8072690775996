using ActorRL.Engine.Jobs;
using ActorRL.Engine.Persistence;
using ActorRL.Engine.Tests.Jobs;
using ActorRL.Tests.Shared;

namespace ActorRL.Engine.Tests.Persistence;

/// <summary>The recovery test against a real PostgreSQL server (the production configuration; see <see cref="TestPostgres"/>).</summary>
public sealed class PostgresRecoveryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-pg-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SkippableFact]
    public async Task A_run_resumes_from_its_PostgreSQL_ledger_past_a_corrupt_checkpoint_with_every_prompt_consumed_once()
    {
        var connection = TestPostgres.ConnectionOrSkip();
        var id = $"test-{Guid.NewGuid():N}";
        var settings = TinyJob.Settings(Path.Combine(_root, "pg"), maxStaleness: 1, rlSteps: 6, extra: $$"""
            persistence { provider = postgres, connection-string = "{{connection}}", persistence-id = "{{id}}", checkpoint-every = 2, keep-last = 2 }
            """);
        Assert.Equal(PersistenceProvider.Postgres, settings.Persistence.Provider);

        await TrainingJob.RunAsync(settings, "akka.loglevel = WARNING");
        var newest = Path.Combine(settings.Run.Directory, LedgerPlan.CheckpointDirectory(6), "weights.safetensors");
        using (var file = File.OpenWrite(newest)) file.SetLength(file.Length / 2);
        var resumed = await TrainingJob.RunAsync(settings, "akka.loglevel = WARNING");

        Assert.Equal(6, resumed.Steps);
        Assert.False(File.Exists(Path.Combine(settings.Run.Directory, PersistenceSettings.LedgerFile)), "the ledger must live in PostgreSQL, not in a SQLite file");
        var history = await RecoveryTests.AssertLedgerIsExactlyOnce(settings, 6);
        Assert.Equal(4, history.OfType<RunResumed>().Last().FromStep);
    }
}
