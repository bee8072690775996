using System.Security.Cryptography;
using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>
/// Every check start-up can make comes before train writes or deletes anything: a finished run survives
/// <c>train --fresh</c> with a setting that cannot work here, and RL with nothing to start from is refused.
/// </summary>
public sealed class StartUpChecksTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-startup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string RunDirectory => Path.Combine(_root, "run");

    private async Task<string> FinishedRun()
    {
        var pipeline = Path.Combine(_root, "run.conf");
        File.WriteAllText(pipeline, TinyJobConfig.Hocon(RunDirectory, maxStaleness: 1, rlSteps: 2, "persistence.checkpoint-every = 1"));
        var train = await CliRunner.Run("train", pipeline);
        Assert.True(train.Code == 0, train.Err + train.Out);
        return pipeline;
    }

    /// <summary>Every file of the run directory (the ledger's database included) with its SHA-256.</summary>
    private SortedDictionary<string, string> Everything() => new(
        Directory.GetFiles(RunDirectory, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(RunDirectory, f),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    private static void AssertOneLineNaming(int code, string output, string error, string key)
    {
        Assert.True(code == 2, $"exit {code}: {error}{output}");
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(key, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("actorrl.cluster.weight-chunk-bytes", "actorrl.cluster.enabled=true", "akka.actor.provider=cluster", "actorrl.cluster.weight-chunk-bytes=60000000")]
    [InlineData("actorrl.learner.device", "actorrl.learner.device=cuda:999")]
    [InlineData("/nonexistent/model", "actorrl.model.architecture=qwen3", "actorrl.model.path=/nonexistent/model")]
    public async Task Fresh_with_a_setting_that_fails_a_start_up_check_deletes_nothing(string key, params string[] sets)
    {
        var pipeline = await FinishedRun();
        var before = Everything();

        string[] args = ["train", pipeline, "--fresh", "--yes", .. sets.SelectMany(s => new[] { "--set", s })];
        var (code, output, error) = await CliRunner.Run(args);

        AssertOneLineNaming(code, output, error, key);
        Assert.Equal(before, Everything());
        var ledger = await CliRunner.Run("ledger", RunDirectory);
        Assert.Contains("completed: 2 steps, version 2", ledger.Out);
    }

    [Fact]
    public async Task Rl_alone_on_a_randomly_initialised_model_is_refused_unless_the_run_has_a_checkpoint_to_resume()
    {
        // Nothing to start from: refused before anything is written.
        var fresh = Path.Combine(_root, "rl-only.conf");
        File.WriteAllText(fresh, TinyJobConfig.Hocon(RunDirectory, maxStaleness: 1, rlSteps: 2, "pipeline.stages = [rl]"));
        var (code, output, error) = await CliRunner.Run("train", fresh);
        AssertOneLineNaming(code, output, error, "actorrl.pipeline.stages");
        Assert.Contains("nothing to start RL from", error);
        Assert.False(Directory.Exists(RunDirectory), "a refused run must write nothing");

        // A finished run has its own checkpoint: [rl] trains on from it (one more step)...
        var pipeline = await FinishedRun();
        var longer = await CliRunner.Run("train", pipeline, "--set", "actorrl.pipeline.stages=[rl]", "--set", "actorrl.pipeline.rl-steps=3");
        Assert.True(longer.Code == 0, longer.Err + longer.Out);
        Assert.Contains("3 RL steps", longer.Out);

        // ...but not once --fresh would delete that checkpoint: refused, and nothing is deleted.
        var before = Everything();
        var again = await CliRunner.Run("train", pipeline, "--fresh", "--yes", "--set", "actorrl.pipeline.stages=[rl]");
        AssertOneLineNaming(again.Code, again.Out, again.Err, "actorrl.pipeline.stages");
        Assert.Equal(before, Everything());
    }
}
