using System.Text.Json;
using ActorRL.Cli.Plotting;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Experiments;

/// <summary>What one finished run of a cell left: its summary.json numbers and its metrics, on the RL-step axis.</summary>
/// <param name="Finals">Each curve's end value: the last evaluation, or the mean of the last tenth of RL steps (per-step
/// values are noisy, one step's would be luck).</param>
public sealed record SeedResult(long Seed, string Directory, double? AccuracyBefore, double? AccuracyAfter, int Steps,
    IReadOnlyDictionary<string, double> Finals, IReadOnlyDictionary<string, (double[] X, double[] Y)> Curves);

/// <summary>One cell's finished runs (seeds whose run has no summary.json yet are left out, and counted).</summary>
public sealed record CellResult(ExperimentCell Cell, IReadOnlyList<SeedResult> Seeds, int SeedsPlanned);

/// <summary>
/// Reads an experiment's results back from its run directories, so the report can be made again at any time, from an
/// interrupted experiment too (what is finished is reported, what is not is counted as missing).
/// </summary>
public static class ExperimentResults
{
    public static IReadOnlyList<CellResult> Read(ExperimentPlan plan) =>
        plan.Cells.Select(cell => new CellResult(cell,
            plan.Seeds.Select(seed => ReadSeed(plan, cell, seed)).OfType<SeedResult>().ToList(), plan.Seeds.Count)).ToList();

    private static SeedResult? ReadSeed(ExperimentPlan plan, ExperimentCell cell, long seed)
    {
        var directory = plan.CellDirectory(cell, seed);
        var summaryFile = Path.Combine(directory, TrainingJob.SummaryFile);
        var metricsFile = Path.Combine(directory, TrainingJob.MetricsFile);
        if (!File.Exists(summaryFile) || !File.Exists(metricsFile)) return null;
        using var summary = JsonDocument.Parse(File.ReadAllText(summaryFile));
        double? Number(string name) =>
            summary.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        var records = MetricsLog.Read(metricsFile).Records;
        var curves = new Dictionary<string, (double[] X, double[] Y)>();
        var finals = new Dictionary<string, double>();
        foreach (var curve in plan.Curves)
        {
            var points = CurvePoints(records, curve);
            curves[curve.ToString()] = points;
            if (Final(curve, points.Y) is { } final) finals[curve.ToString()] = final;
        }
        return new SeedResult(seed, directory, Number("accuracy_before"), Number("accuracy_after"), (int)(Number("steps") ?? 0), finals, curves);
    }

    /// <summary>
    /// One metric over RL steps: an evaluation after RL step s sits at s (the one before RL at 0). A resumed run may
    /// have logged a step twice (the steps after its last checkpoint are trained again); the last record of a step is
    /// the one that counted.
    /// </summary>
    public static (double[] X, double[] Y) CurvePoints(IReadOnlyList<MetricsRecord> records, ExperimentCurve curve)
    {
        var byStep = new SortedDictionary<int, double>();
        foreach (var r in records)
            if (r.Kind == curve.Kind && r.Values.TryGetValue(curve.Metric, out var y) && double.IsFinite(y)) byStep[r.Step] = y;
        return (byStep.Keys.Select(k => (double)k).ToArray(), byStep.Values.ToArray());
    }

    public static double? Final(ExperimentCurve curve, double[] y)
    {
        if (y.Length == 0) return null;
        if (curve.Kind == RunTimeline.Eval) return y[^1];
        var tail = Math.Max(1, y.Length / 10);
        return y[^tail..].Average();
    }
}
