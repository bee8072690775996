using ActorRL.Engine.Persistence;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>The commands that only read a run keep working while a learner holds it; train does not start.</summary>
public sealed class RunLockCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-runlock-cmd-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Ledger_eval_and_plot_work_while_a_learner_holds_the_run_and_train_is_refused()
    {
        var run = new ChildRun(_root, "run", maxStaleness: 1, rlSteps: 2, checkpointEvery: 1);
        var (trainCode, trainOutput) = await run.RunAsync();
        Assert.True(trainCode == 0, trainOutput);

        // flock excludes a second open within one process too, so this process is "the learner" here.
        using var held = RunLock.Acquire(run.RunDirectory);

        var ledger = await CliRunner.Run("ledger", run.RunDirectory);
        Assert.True(ledger.Code == 0, ledger.Err);
        Assert.Contains("steps trained: 2 counted", ledger.Out);
        var eval = await CliRunner.Run("eval", run.RunDirectory, "--k", "1", "--prompts", "2");
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("2 held-out prompts", eval.Out);
        var plot = await CliRunner.Run("plot", run.RunDirectory);
        Assert.True(plot.Code == 0, plot.Err);

        var train = await CliRunner.Run("train", run.PipelineFile);
        Assert.Equal(2, train.Code);
        Assert.Contains($"pid {Environment.ProcessId} on host {Environment.MachineName}", train.Err);
    }
}
