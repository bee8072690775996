namespace ActorRL.Cli.Tests.Recovery;

public sealed class LedgerCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-ledger-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Ledger_reports_what_a_finished_run_consumed_and_committed()
    {
        var run = new ChildRun(_root, "done", maxStaleness: 1, rlSteps: 3, checkpointEvery: 2);
        var (trainCode, trainOutput) = await run.RunAsync();
        Assert.True(trainCode == 0, trainOutput);

        var (code, output, error) = await CliRunner.Run("ledger", run.RunDirectory);

        Assert.True(code == 0, error);
        Assert.Contains("steps trained: 3 counted (3 recorded; 0 voided", output);
        Assert.Contains("prompts consumed: 12, 12 distinct (each exactly once)", output);
        // After the warm start (step 0), at step 2 and after the last step.
        Assert.Contains("checkpoints committed: 3, newest: step 3", output);
        Assert.Contains("completed: 3 steps, version 3", output);

        var (eventsCode, events, _) = await CliRunner.Run("ledger", run.RunDirectory, "--events");
        Assert.Equal(0, eventsCode);
        var lines = events.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(1, lines.Length).Select(i => $"{{\"seq\":{i},"), lines.Select(l => l[..(l.IndexOf(',') + 1)]));
    }

    [Fact]
    public async Task Ledger_reads_the_run_it_is_pointed_to_even_when_its_config_names_a_relative_run_dir()
    {
        var run = new ChildRun(_root, "moved", maxStaleness: 1, rlSteps: 2, checkpointEvery: 2);
        var (trainCode, trainOutput) = await run.RunAsync();
        Assert.True(trainCode == 0, trainOutput);
        // As if started elsewhere with run.dir = "runs/moved": read from here, that path is not this run.
        File.AppendAllText(Path.Combine(run.RunDirectory, "config.conf"), "\nactorrl.run.dir = \"runs/moved\"\n");

        var (code, output, error) = await CliRunner.Run("ledger", run.RunDirectory);

        Assert.True(code == 0, error);
        Assert.Contains($"Ledger learner-{Engine.Persistence.RunId.Read(run.RunDirectory)} ", output);
        Assert.Contains("steps trained: 2 counted", output);
    }

    [Fact]
    public async Task Ledger_on_a_directory_that_is_not_a_run_is_a_usage_error()
    {
        var (code, _, error) = await CliRunner.Run("ledger", _root);

        Assert.Equal(2, code);
        Assert.Contains("is not a run directory (no config.conf)", error);
    }
}
