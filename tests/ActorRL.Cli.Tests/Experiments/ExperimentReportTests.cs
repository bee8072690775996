using System.Globalization;
using System.Text.Json;
using ActorRL.Cli.Experiments;
using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests.Experiments;

/// <summary>
/// The report read back from run directories: statistics over seeds against hand-computed values, the end value of a
/// curve, a resumed run's repeated steps, an unfinished seed, and the band the plots draw.
/// </summary>
public sealed class ExperimentReportTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-experiment-report-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ExperimentPlan Plan()
    {
        var file = Path.Combine(_root, "grid.conf");
        File.WriteAllText(file, $$"""
            experiment {
              pipeline = ["{{RepositoryFiles.Path("samples/arithmetic/pipeline.conf")}}"]
              seeds = [1, 2]
              cells { a { set = [] }, b { set = ["actorrl.algorithm.loss=gspo"] } }
              curves = ["eval.accuracy", "rl.reward_mean"]
            }
            """);
        return ExperimentPlan.Load(file, Path.Combine(_root, "out"));
    }

    /// <summary>A finished run: summary.json and metrics.jsonl with the given rl rewards (steps 1..n) and evaluations.</summary>
    private static void FinishedRun(string directory, double before, double after, double[] rewards, (int Step, double Accuracy)[] evals,
        IEnumerable<string>? extraLines = null)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "summary.json"),
            JsonSerializer.Serialize(new { accuracy_before = before, accuracy_after = after, steps = rewards.Length }));
        var lines = rewards.Select((r, i) => Line("rl", i + 1, $"\"reward_mean\": {r.ToString(CultureInfo.InvariantCulture)}"))
            .Concat(evals.Select(e => Line("eval", e.Step, $"\"accuracy\": {e.Accuracy.ToString(CultureInfo.InvariantCulture)}")))
            .Concat(extraLines ?? []);
        File.WriteAllLines(Path.Combine(directory, "metrics.jsonl"), lines);
    }

    private static string Line(string kind, int step, string values) =>
        $"{{\"kind\": \"{kind}\", \"step\": {step}, \"version\": {step}, \"wall_seconds\": 0, {values}}}";

    [Fact]
    public void Statistics_over_seeds_and_curve_end_values_match_hand_computed_ones()
    {
        var plan = Plan();
        var a = plan.Cells[0];
        // 20 steps: the end value is the mean of the last tenth (steps 19 and 20).
        var rewards1 = Enumerable.Range(1, 20).Select(i => i / 100.0).ToArray();
        var rewards2 = Enumerable.Range(1, 20).Select(i => i / 50.0).ToArray();
        FinishedRun(plan.CellDirectory(a, 1), 0.60, 0.70, rewards1, [(0, 0.60), (10, 0.65), (20, 0.70)]);
        FinishedRun(plan.CellDirectory(a, 2), 0.60, 0.80, rewards2, [(0, 0.60), (10, 0.75), (20, 0.80)]);

        var cells = ExperimentOutputs.Write(plan);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(plan.Directory, ExperimentReport.JsonFile))).RootElement;
        var cellA = json.GetProperty("cells")[0];
        Assert.Equal(2, cellA.GetProperty("seeds_done").GetInt32());
        var gain = cellA.GetProperty("over_seeds").GetProperty("accuracy_gain");
        Assert.Equal(0.15, gain.GetProperty("mean").GetDouble(), 12);
        Assert.Equal(Math.Sqrt(0.005), gain.GetProperty("sd").GetDouble(), 12);   // sample sd of 0.10 and 0.20
        Assert.Equal(0.10, gain.GetProperty("min").GetDouble(), 12);
        var reward = cellA.GetProperty("over_seeds").GetProperty("rl.reward_mean");
        Assert.Equal(((0.19 + 0.20) / 2 + (0.38 + 0.40) / 2) / 2, reward.GetProperty("mean").GetDouble(), 12);
        Assert.Equal(0.75, cellA.GetProperty("over_seeds").GetProperty("eval.accuracy").GetProperty("mean").GetDouble(), 12);

        // Cell b has no finished run: reported as missing, not as zeros.
        Assert.Empty(cells[1].Seeds);
        var markdown = File.ReadAllText(Path.Combine(plan.Directory, ExperimentReport.MarkdownFile));
        Assert.Contains("| a | 2 | 60.0 ± 0.0 [60.0 – 60.0] | 75.0 ± 7.1 [70.0 – 80.0] | 15.0 ± 7.1 [10.0 – 20.0] |", markdown);
        Assert.Contains("| b | 0 of 2 | n/a |", markdown);
        Assert.True(File.Exists(Path.Combine(plan.Directory, "plots", "eval.accuracy.png")));
        Assert.True(File.Exists(Path.Combine(plan.Directory, "plots", "rl.reward_mean.png")));
    }

    [Fact]
    public void A_resumed_runs_repeated_steps_count_once_with_the_values_of_the_attempt_that_counted()
    {
        var plan = Plan();
        // The run was killed after step 3 and resumed from its step-2 checkpoint: step 3 was logged twice.
        FinishedRun(plan.CellDirectory(plan.Cells[0], 1), 0.5, 0.6, [0.1, 0.2, 0.9], [(0, 0.5)],
            extraLines: [Line("rl", 3, "\"reward_mean\": 0.3")]);
        var (x, y) = ExperimentResults.CurvePoints(ActorRL.Cli.Plotting.MetricsLog.Read(Path.Combine(plan.CellDirectory(plan.Cells[0], 1), "metrics.jsonl")).Records,
            new ExperimentCurve("rl", "reward_mean"));
        Assert.Equal(new double[] { 1, 2, 3 }, x);
        Assert.Equal(new[] { 0.1, 0.2, 0.3 }, y);
    }

    [Fact]
    public void The_band_is_the_mean_and_range_over_seeds_at_the_steps_every_seed_has()
    {
        var band = SeedBandChart.Combine([([0, 10, 20], [0.5, 0.6, 0.7]), ([0, 10], [0.7, 0.4])], smooth: false)!;
        Assert.Equal(new double[] { 0, 10 }, band.X);
        Assert.Equal(0.6, band.Mean[0], 12);
        Assert.Equal(0.5, band.Mean[1], 12);
        Assert.Equal(new[] { 0.5, 0.4 }, band.Low);
        Assert.Equal(new[] { 0.7, 0.6 }, band.High);
        Assert.Null(SeedBandChart.Combine([([0], [0.5]), ([], [])], smooth: false));
    }
}
