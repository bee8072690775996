using System.Globalization;
using System.Text.Json;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;

namespace ActorRL.Cli.Tests.Bench;

/// <summary><c>actorrl bench real</c> end to end on a tiny model: warm start once, variants side by side.</summary>
public sealed class BenchRealCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-bench-real-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TinyPipeline()
    {
        var path = Path.Combine(_dir, "tiny.conf");
        File.WriteAllText(path, """
            actorrl {
              run { dir = "unused", seed = 5 }
              logging.file = false
              model { d-model = 32, n-layers = 1, n-heads = 2, max-seq-len = 64 }
              task { eval-size = 20, arithmetic { digits-max = 2, demo-style = step } }
              warm-start { steps = 3, batch-size = 8 }
              pipeline { stages = [sft, rl], groups-per-step = 4, group-size = 4, prompts-per-generation = 2, eval-every = 1, eval-size = 10 }
              generation.max-new-tokens = 24
            }
            """);
        return path;
    }

    private static JsonElement Summary(string runDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json"))).RootElement;

    [Fact]
    public async Task RunsEveryVariantFromOneWarmStartAndPrintsThemSideBySide()
    {
        var runs = Path.Combine(_dir, "runs");
        var (code, output, error) = await CliRunner.Run("bench", "real", TinyPipeline(), "--rl-steps", "3", "--staleness", "0,2", "--deterministic", "--dir", runs);

        Assert.True(code == 0, error);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.Contains("RL wall s") && l.Contains("vs sync") && l.Contains("learner idle") && l.Contains("acc. after")
                                    && l.Contains("dropped") && l.Contains("staleness"));
        // One row per variant in each table (the deterministic sync run last), the baseline at ratio 1.00.
        Assert.Equal(2, lines.Count(l => l.StartsWith("    0 ")));
        Assert.Equal(2, lines.Count(l => l.StartsWith("    2 ")));
        Assert.Equal(2, lines.Count(l => l.StartsWith("  0 d ")));
        Assert.Contains(lines, l => l.StartsWith("    0 ") && l.Contains(" 1.00 ") && l.Contains("1.00x"));
        Assert.Contains("actor overhead", output);
        Assert.Contains("Warm start: 3 steps", output);

        // The warm start ran once, as its own run; each variant ran only RL, with the same number of steps.
        Assert.Equal(3, Summary(Path.Combine(runs, "warm-start")).GetProperty("warm_start_steps").GetInt32());
        Assert.Equal(0, Summary(Path.Combine(runs, "warm-start")).GetProperty("steps").GetInt32());
        foreach (var (eta, name) in new[] { (0, "eta-0"), (2, "eta-2"), (0, "eta-0-deterministic") })
        {
            var summary = Summary(Path.Combine(runs, name));
            Assert.Equal(3, summary.GetProperty("steps").GetInt32());
            Assert.Equal(0, summary.GetProperty("warm_start_steps").GetInt32());
            Assert.True(summary.GetProperty("max_staleness_observed").GetInt32() <= eta);
            // eval-every is switched off in the benchmark: evaluations only before and after RL.
            var evals = File.ReadLines(Path.Combine(runs, name, "metrics.jsonl")).Count(l => l.Contains("\"kind\":\"eval\""));
            Assert.Equal(2, evals);
        }
        // Without dynamic sampling the deterministic switches change no bit of a synchronous run (draw-ordered batches and
        // generator-independent seeds are always on), so they cost nothing but what the benchmark measures.
        Assert.Equal(TensorBytes(await PolicyWeights(Path.Combine(runs, "eta-0"))), TensorBytes(await PolicyWeights(Path.Combine(runs, "eta-0-deterministic"))));
    }

    [Fact]
    public async Task EveryVariantStartsFromTheWarmStartedWeights()
    {
        var runs = Path.Combine(_dir, "runs");
        // Zero learning rate: RL changes nothing, so each variant's final weights are exactly where it started.
        var (code, _, error) = await CliRunner.Run("bench", "real", TinyPipeline(), "--rl-steps", "1", "--staleness", "0,1", "--dir", runs,
            "--set", "actorrl.learner.lr=0", "--set", "actorrl.learner.weight-decay=0");

        Assert.True(code == 0, error);
        var warm = TensorBytes(await PolicyWeights(Path.Combine(runs, "warm-start")));
        foreach (var eta in new[] { 0, 1 })
            Assert.Equal(warm, TensorBytes(await PolicyWeights(Path.Combine(runs, $"eta-{eta}"))));
    }

    /// <summary>The weights file of a run's policy: its ledger's newest committed checkpoint (the default SQLite ledger).</summary>
    private static async Task<string> PolicyWeights(string runDir) =>
        Path.Combine((await RunPolicy.FindAsync(ActorRLSettings.FromConfig(PipelineConfig.FromText("")).Persistence, runDir)).Directory, "weights.safetensors");

    /// <summary>A safetensors file's tensor data (after its 8-byte length and JSON header, which holds the version).</summary>
    private static byte[] TensorBytes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var header = (int)BitConverter.ToUInt64(bytes, 0);
        return bytes[(8 + header)..];
    }

    [Fact]
    public async Task RoundsInterleaveTheVariantsAndEachReportsItsFastestRound()
    {
        var runs = Path.Combine(_dir, "runs");
        var (code, output, error) = await CliRunner.Run("bench", "real", TinyPipeline(), "--rl-steps", "1", "--staleness", "0,1", "--rounds", "2", "--dir", runs);

        Assert.True(code == 0, error);
        Assert.Contains("Each variant ran 2 times", output);
        var order = output.Split('\n').Where(l => l.TrimStart().StartsWith("η = ")).Select(l => l.Trim()[..l.Trim().IndexOf(':')]).ToList();
        Assert.Equal(new[] { "η = 0, round 1", "η = 1, round 1", "η = 0, round 2", "η = 1, round 2" }, order);
        foreach (var name in new[] { "eta-0-round-1", "eta-1-round-1", "eta-0-round-2", "eta-1-round-2" })
            Assert.True(File.Exists(Path.Combine(runs, name, "summary.json")), name);
        var row = output.Split('\n').First(l => l.StartsWith("    0 ") && l.Contains(" / "));
        var rounds = row[(row.LastIndexOf("  ", StringComparison.Ordinal) + 2)..].Split(" / ").Select(w => double.Parse(w, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, rounds.Count);
        Assert.Contains(" " + rounds.Min().ToString("F1", CultureInfo.InvariantCulture) + " ", row[..row.LastIndexOf("  ", StringComparison.Ordinal)]);
    }

    [Theory]
    [InlineData("--staleness", "0,x", "--staleness")]
    [InlineData("--staleness", "0,-1", "--staleness")]
    [InlineData("--staleness", "2,2", "twice")]
    [InlineData("--rl-steps", "0", "--rl-steps")]
    [InlineData("--rounds", "0", "--rounds")]
    [InlineData("--eval-size", "0", "eval-size")]
    public async Task BadOptionsAreUsageErrors(string option, string value, string named)
    {
        var (code, _, error) = await CliRunner.Run("bench", "real", TinyPipeline(), option, value);

        Assert.Equal(2, code);
        Assert.Contains(named, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task ANonEmptyDirectoryIsNotOverwritten()
    {
        var runs = Directory.CreateDirectory(Path.Combine(_dir, "taken")).FullName;
        File.WriteAllText(Path.Combine(runs, "keep.txt"), "mine");

        var (code, _, error) = await CliRunner.Run("bench", "real", TinyPipeline(), "--dir", runs);

        Assert.Equal(2, code);
        Assert.Contains("not empty", error);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(runs, "keep.txt")));
    }
}
