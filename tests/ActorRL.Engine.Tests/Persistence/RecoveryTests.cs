using System.Text.Json;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Persistence;
using ActorRL.Engine.Tests.Jobs;

namespace ActorRL.Engine.Tests.Persistence;

/// <summary>
/// Resume from the ledger, in process, on the tiny main job: corrupt checkpoints are refused and the previous one
/// used, the run fails loudly when none is intact, and a journal outage does not stop training.
/// (Kill -9 at chosen points is tested across processes in ActorRL.Cli.Tests.)
/// </summary>
[Collection(JournalOutageCollection.Name)]
public sealed class RecoveryTests : IDisposable
{
    private const string Quiet = "akka.loglevel = WARNING";
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-recovery-").FullName;

    public void Dispose()
    {
        FlakyJournal.FailingWrites = 0;
        Directory.Delete(_root, recursive: true);
    }

    private ActorRLSettings Settings(string name, string extra = "") =>
        TinyJob.Settings(Path.Combine(_root, name), maxStaleness: 1, rlSteps: 6,
            extra: "persistence { checkpoint-every = 2, keep-last = 3, snapshot-every = 4, retry-min-backoff = 100ms, retry-max-backoff = 400ms }\n" + extra);

    internal static List<JsonElement> Metrics(ActorRLSettings s, string kind) =>
        File.ReadLines(Path.Combine(s.Run.Directory, TrainingJob.MetricsFile))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("kind").GetString() == kind)
            .ToList();

    private static void FlipAByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Every step 1..N counted once, every prompt consumed once, B groups a step.</summary>
    internal static async Task<IReadOnlyList<ILedgerEvent>> AssertLedgerIsExactlyOnce(ActorRLSettings settings, int steps)
    {
        var history = await LedgerHistory.ReadAsync(settings.Persistence, settings.Run.Directory);
        var effective = LedgerHistory.EffectiveSteps(history);
        Assert.Equal(Enumerable.Range(1, steps), effective.Select(s => s.Step));
        var prompts = effective.SelectMany(s => s.PromptIds).ToList();
        Assert.Equal(steps * settings.Pipeline.GroupsPerStep, prompts.Count);
        Assert.Equal(prompts.Count, prompts.Distinct().Count());
        // No prompt skipped: exactly the first N·B prompts of the training stream were consumed.
        var task = ActorRL.Tasks.TaskFactory.Create(settings.Task, settings.Verifier, settings.Run.Seed);
        var stream = new ActorRL.Tasks.PromptStream(task, ActorRL.Tasks.PromptCursor.Start);
        Assert.Equal(stream.Take(prompts.Count).Select(p => p.Id).OrderBy(x => x), prompts.OrderBy(x => x));
        return history;
    }

    [Fact]
    public async Task A_corrupt_newest_checkpoint_is_refused_and_the_run_resumes_from_the_previous_one()
    {
        var settings = Settings("corrupt");
        var first = await TrainingJob.RunAsync(settings, Quiet);
        Assert.Equal(6, first.Steps);
        var checkpoints = Path.Combine(settings.Run.Directory, LedgerPlan.CheckpointsFolder);
        // keep-last = 3: the commits after the warm start (step 0) and at step 2 were pruned once 6 was durable.
        Assert.Equal(new[] { "step-000002", "step-000004", "step-000006" },
            Directory.GetDirectories(checkpoints, "step-*").Select(Path.GetFileName).Order());

        // Each checkpoint says where its run stood (the ledger holds the same, with the file hashes).
        using (var progress = JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoints, "step-000004", ProgressFile.Name))))
        {
            Assert.Equal(4, progress.RootElement.GetProperty("step").GetInt32());
            Assert.Equal(16, progress.RootElement.GetProperty("groups_consumed").GetInt64());
        }

        FlipAByte(Path.Combine(checkpoints, "step-000006", "weights.safetensors"));
        using (var file = File.OpenWrite(Path.Combine(checkpoints, "step-000004", "optimizer.safetensors"))) file.SetLength(file.Length - 7);
        var second = await TrainingJob.RunAsync(settings, Quiet);

        Assert.Equal(6, second.Steps);
        Assert.Equal(6, second.FinalVersion);
        var history = await AssertLedgerIsExactlyOnce(settings, 6);
        Assert.Equal(2, history.OfType<RunResumed>().Last().FromStep);
        // The warm start was not repeated and metrics.jsonl has each step once, in order.
        Assert.Equal(4, Metrics(settings, "sft").Count);
        Assert.Equal(Enumerable.Range(1, 6), Metrics(settings, "rl").Select(e => e.GetProperty("step").GetInt32()));
        Assert.Equal(first.AccuracyBefore, second.AccuracyBefore);
        // Snapshots bound the replay: ~20 events at snapshot-every = 4 took several, only the latest is kept (the
        // deletion of its predecessor may still be in flight when the run ends).
        using var snapshots = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(settings.Run.Directory, LedgerConfig.SnapshotFile)}");
        snapshots.Open();
        using var count = snapshots.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM snapshot";
        Assert.InRange((long)count.ExecuteScalar()!, 1L, 2L);
    }

    [Fact]
    public async Task A_finished_run_started_again_does_nothing_and_keeps_its_summary_and_metrics()
    {
        var settings = Settings("finished");
        await TrainingJob.RunAsync(settings, Quiet);
        var summaryFile = Path.Combine(settings.Run.Directory, TrainingJob.SummaryFile);
        var summaryBefore = File.ReadAllText(summaryFile);
        var metricsBefore = File.ReadAllText(Path.Combine(settings.Run.Directory, TrainingJob.MetricsFile));

        var again = await TrainingJob.RunAsync(settings, Quiet);

        Assert.True(again.AlreadyComplete);
        Assert.Equal(6, again.Steps);
        Assert.Equal(summaryBefore, File.ReadAllText(summaryFile));
        Assert.Equal(metricsBefore, File.ReadAllText(Path.Combine(settings.Run.Directory, TrainingJob.MetricsFile)));
        await AssertLedgerIsExactlyOnce(settings, 6);

        // Raising rl-steps trains further from the last checkpoint.
        var longer = TinyJob.Settings(settings.Run.Directory, maxStaleness: 1, rlSteps: 8,
            extra: "persistence { checkpoint-every = 2, keep-last = 3 }");
        var extended = await TrainingJob.RunAsync(longer, Quiet);
        Assert.False(extended.AlreadyComplete);
        Assert.Equal(8, extended.Steps);
        await AssertLedgerIsExactlyOnce(longer, 8);
    }

    [Fact]
    public async Task With_no_intact_checkpoint_the_run_refuses_to_start_over_silently()
    {
        var settings = Settings("hopeless");
        await TrainingJob.RunAsync(settings, Quiet);
        foreach (var weights in Directory.GetFiles(Path.Combine(settings.Run.Directory, LedgerPlan.CheckpointsFolder), "weights.safetensors", SearchOption.AllDirectories)
                     .Where(p => p.Contains("step-")))
            FlipAByte(weights);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TrainingJob.RunAsync(settings, Quiet));

        Assert.Contains("no intact checkpoint", failure.Message);
        Assert.Contains("--fresh", failure.Message);
    }

    [Fact]
    public async Task Fresh_starts_over_even_when_the_ledger_has_checkpoints()
    {
        var settings = Settings("fresh");
        await TrainingJob.RunAsync(settings, Quiet);

        var again = await TrainingJob.RunAsync(settings, Quiet, fresh: true);

        Assert.Equal(6, again.Steps);
        // The first run's metrics are gone with its ledger: one warm start, steps 1..6 once.
        Assert.Equal(4, Metrics(settings, "sft").Count);
        Assert.Equal(Enumerable.Range(1, 6), Metrics(settings, "rl").Select(e => e.GetProperty("step").GetInt32()));
        var history = await LedgerHistory.ReadAsync(settings.Persistence, settings.Run.Directory);
        Assert.Equal(-1, history.OfType<RunResumed>().Single().FromStep);
    }

    [Fact]
    public async Task Training_goes_on_through_a_journal_outage_and_every_event_is_recorded_once()
    {
        var settings = Settings("outage");
        FlakyJournal.FailingWrites = 6;

        var summary = await TrainingJob.RunAsync(settings, FlakyJournal.ClassOverride + "\n" + Quiet);

        Assert.Equal(6, FlakyJournal.Failed);
        Assert.Equal(6, summary.Steps);
        var history = await AssertLedgerIsExactlyOnce(settings, 6);
        Assert.Equal(history.Select(e => e.Seq), Enumerable.Range(1, history.Count).Select(i => (long)i));
        Assert.Single(history.OfType<RunCompleted>());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JournalOutageCollection
{
    public const string Name = "journal outage (a process-wide switch)";
}
