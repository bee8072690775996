using ActorRL.Core.Configuration;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Persistence;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>Which ledger a run directory's learner uses: its own run id, or for a directory from before run ids, its name.</summary>
public sealed class RunIdTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-runid-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Two_runs_whose_directories_share_a_name_keep_separate_ledgers_on_one_shared_journal()
    {
        var journal = Path.Combine(_root, "shared-journal.db").Replace("\\", "/");
        var shared = $"persistence.connection-string = \"Data Source={journal}\"";
        var runs = new[] { "a", "b" }.Select(parent =>
        {
            Directory.CreateDirectory(Path.Combine(_root, parent));
            return new ChildRun(Path.Combine(_root, parent), "run", maxStaleness: 1, rlSteps: 2, checkpointEvery: 1, shared);
        }).ToList();

        foreach (var run in runs)
        {
            var (code, output) = await run.RunAsync();
            Assert.True(code == 0, output);
            Assert.DoesNotContain("already complete", output); // what b said when it took a's ledger for its own
        }

        var ids = runs.Select(r => r.Settings.Persistence.PersistenceIdFor(r.RunDirectory)).ToList();
        Assert.NotEqual(ids[0], ids[1]);
        foreach (var run in runs)
        {
            Assert.True(File.Exists(Path.Combine(run.RunDirectory, TrainingJob.SummaryFile)), $"{run.RunDirectory} trained");
            var history = await LedgerHistory.ReadAsync(run.Settings.Persistence, run.RunDirectory);
            Assert.Equal([1, 2], LedgerHistory.EffectiveSteps(history).Select(s => s.Step));
            Assert.Single(history.OfType<RunCompleted>());
        }
    }

    [Fact]
    public async Task A_run_directory_from_before_run_ids_keeps_its_ledger_and_resumes()
    {
        var old = new ChildRun(_root, "legacy", maxStaleness: 1, rlSteps: 2, checkpointEvery: 1);
        // What a train from before run ids left: config.conf and a ledger under "learner-" + the directory's name
        // (the job itself knows nothing of run ids).
        await TrainingJob.RunAsync(old.Settings, "akka.loglevel = WARNING");
        File.WriteAllText(Path.Combine(old.RunDirectory, "config.conf"),
            PipelineConfig.Load(new[] { old.PipelineFile }, Array.Empty<string>()).Render());
        Assert.Null(RunId.Read(old.RunDirectory));

        var longer = new ChildRun(_root, "legacy", maxStaleness: 1, rlSteps: 4, checkpointEvery: 1);
        var (code, output) = await longer.RunAsync();

        Assert.True(code == 0, output);
        Assert.Equal("legacy", RunId.Read(longer.RunDirectory));
        Assert.Equal("learner-legacy", longer.Settings.Persistence.PersistenceIdFor(longer.RunDirectory));
        var history = await LedgerHistory.ReadAsync(longer.Settings.Persistence, longer.RunDirectory);
        Assert.Equal(2, history.OfType<RunResumed>().Last().FromStep);
        Assert.Equal([1, 2, 3, 4], LedgerHistory.EffectiveSteps(history).Select(s => s.Step));
    }
}
