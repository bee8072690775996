using System.Security.Cryptography;
using System.Text.Json;
using ActorRL.Cli.Tests.Recovery;
using ActorRL.Engine.Persistence;
using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests.Experiments;

/// <summary>
/// A miniature of the staleness experiment end to end, in child processes as a user runs it: two cells (η = 0
/// behaviour, η = 2 decoupled with the lag forced) × two seeds on the tiny main job. Run once straight through, and once
/// killed with SIGKILL in the middle of its first cell and run again: the second finishes what the first left, and
/// both end with the same report and the same weights in every cell.
/// </summary>
public sealed class ExperimentResumeTests : IDisposable
{
    private const int RlSteps = 8;
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-experiment-resume-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string ExperimentFile()
    {
        var pipeline = Path.Combine(_root, "tiny.conf");
        File.WriteAllText(pipeline, TinyJobConfig.Hocon(Path.Combine(_root, "unused"), 0, RlSteps,
            "run.deterministic = true\npersistence.checkpoint-every = 3\npipeline.eval-every = 4"));
        var file = Path.Combine(_root, "mini-staleness.conf");
        File.WriteAllText(file, $$"""
            experiment {
              pipeline = ["tiny.conf"]
              seeds = [1, 2]
              shared-warm-start = true
              cells {
                eta-0-behaviour { set = ["actorrl.algorithm.off-policy.mode=behaviour"] }
                eta-2-decoupled { set = ["actorrl.pipeline.max-staleness=2", "actorrl.pipeline.policy-lag=2", "actorrl.algorithm.off-policy.mode=decoupled"] }
              }
              curves = ["eval.accuracy", "rl.staleness_mean", "rl.approx_kl"]
            }
            """);
        return file;
    }

    private static JsonElement Summary(string directory) => JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "summary.json"))).RootElement;

    /// <summary>Every run's numbers in the report, keyed by its directory.</summary>
    private static Dictionary<string, string> Values(string directory) => Summary(directory).GetProperty("cells").EnumerateArray()
        .SelectMany(c => c.GetProperty("runs").EnumerateArray())
        .ToDictionary(r => r.GetProperty("dir").GetString()!, r => r.GetProperty("values").GetRawText());

    private static async Task<string> WeightsHash(string runDirectory)
    {
        var settings = Commands.RunDirectory.LoadSettings(runDirectory);
        var policy = await RunPolicy.FindAsync(settings.Persistence, runDirectory);
        Assert.Equal(RlSteps, policy.Checkpoint.Step);
        return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(policy.Directory, "weights.safetensors"))));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_killed_experiment_run_again_finishes_with_the_report_of_one_that_ran_straight_through()
    {
        var file = ExperimentFile();
        var straight = Path.Combine(_root, "straight");
        var killed = Path.Combine(_root, "killed");
        var limit = TimeSpan.FromMinutes(8);

        var (code, output) = await ChildRun.RunCliAsync(null, limit, "experiment", file, "--dir", straight);
        Assert.True(code == 0, output);
        Assert.Contains("[6/6] cells/eta-2-decoupled/seed-2", output);

        // Step 5 of the first cell's first seed: after the warm starts, past its step-3 checkpoint.
        var (killedCode, killedOutput) = await ChildRun.RunCliAsync("step:5", limit, "experiment", file, "--dir", killed);
        Assert.True(killedCode == ChildRun.Killed, killedOutput);
        Assert.False(File.Exists(Path.Combine(killed, "summary.json")));
        var (againCode, againOutput) = await ChildRun.RunCliAsync(null, limit, "experiment", file, "--dir", killed);
        Assert.True(againCode == 0, againOutput);
        Assert.Contains("[1/6] warm-start/seed-1: complete before, skipped", againOutput);
        Assert.Contains("[3/6] cells/eta-0-behaviour/seed-1: accuracy", againOutput);

        var expected = Values(straight);
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected, Values(killed));
        foreach (var run in expected.Keys)
            Assert.Equal(await WeightsHash(Path.Combine(straight, run)), await WeightsHash(Path.Combine(killed, run)));

        // The lag was forced: by the end every group of the η = 2 cell was two versions stale, none of the η = 0 cell's.
        var cells = Summary(killed).GetProperty("cells").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(0, cells["eta-0-behaviour"].GetProperty("over_seeds").GetProperty("rl.staleness_mean").GetProperty("max").GetDouble());
        Assert.Equal(2, cells["eta-2-decoupled"].GetProperty("over_seeds").GetProperty("rl.staleness_mean").GetProperty("min").GetDouble());
        Assert.All(cells.Values, c => Assert.Equal(2, c.GetProperty("seeds_done").GetInt32()));
        foreach (var plot in new[] { "eval.accuracy", "rl.staleness_mean", "rl.approx_kl" })
            Assert.True(new FileInfo(Path.Combine(killed, "plots", plot + ".png")).Length > 1000, plot);
        Assert.Contains("| eta-2-decoupled | 2 |", File.ReadAllText(Path.Combine(killed, "summary.md")));
    }
}
