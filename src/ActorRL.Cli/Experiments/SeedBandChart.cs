using ActorRL.Cli.Plotting;
using ScottPlot;

namespace ActorRL.Cli.Experiments;

/// <summary>
/// One comparison chart of an experiment: a curve per cell, the mean over its seeds, in a band from the lowest to the
/// highest seed, so a difference between cells can be told from the spread between seeds at a glance. Per-step RL
/// values are smoothed per seed (the trailing average of the run plots) before they are combined; evaluations are not.
/// </summary>
public static class SeedBandChart
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>The mean and range over seeds at the steps every seed has.</summary>
    public sealed record Band(double[] X, double[] Mean, double[] Low, double[] High);

    public static Band? Combine(IReadOnlyList<(double[] X, double[] Y)> seeds, bool smooth)
    {
        if (seeds.Count == 0 || seeds.Any(s => s.X.Length == 0)) return null;
        var curves = seeds.Select(s =>
        {
            var y = smooth && s.Y.Length >= MovingAverage.MinimumPoints ? MovingAverage.Trailing(s.Y, MovingAverage.WindowFor(s.Y.Length)) : s.Y;
            return Enumerable.Range(0, s.X.Length).ToDictionary(i => s.X[i], i => y[i]);
        }).ToList();
        var x = curves.Select(c => (IEnumerable<double>)c.Keys).Aggregate((a, b) => a.Intersect(b)).Order().ToArray();
        if (x.Length == 0) return null;
        double[] Over(Func<IEnumerable<double>, double> f) => x.Select(step => f(curves.Select(c => c[step]))).ToArray();
        return new Band(x, Over(v => v.Average()), Over(v => v.Min()), Over(v => v.Max()));
    }

    /// <returns>The file written, or null when no cell has this curve in every seed.</returns>
    public static string? Write(ExperimentPlan plan, ExperimentCurve curve, IReadOnlyList<CellResult> cells, string directory)
    {
        var percent = curve.Metric.Contains("accuracy") || curve.Metric.Contains("fraction");
        var plot = new Plot();
        plot.Font.Set(ChartFont.Name);
        var title = $"{plan.Name}: {curve}";
        plot.Title(title);
        plot.XLabel(curve.Kind == RunTimeline.Eval ? "RL step (evaluation after it; 0 = before RL)" : "RL step");
        plot.YLabel(percent ? $"{curve.Metric} (%)" : curve.Metric);
        // 20 px fits about 85 characters across the 1000-px image; a longer title shrinks rather than being cut off.
        plot.Axes.Title.Label.FontSize = (float)Math.Clamp(20 * 85.0 / title.Length, 11, 20);
        plot.Axes.Bottom.Label.FontSize = 16;
        plot.Axes.Left.Label.FontSize = 16;
        plot.Legend.FontSize = 14;
        var drawn = 0;
        for (var i = 0; i < cells.Count; i++)
        {
            var seeds = cells[i].Seeds.Select(s => s.Curves.TryGetValue(curve.ToString(), out var c) ? c : (X: Array.Empty<double>(), Y: Array.Empty<double>())).ToList();
            if (Combine(seeds, smooth: curve.Kind == RunTimeline.Rl) is not { } band) continue;
            var scale = percent ? 100.0 : 1.0;
            var color = Palette.GetColor(i);
            if (seeds.Count > 1)
            {
                var fill = plot.Add.FillY(band.X, band.Low.Select(v => v * scale).ToArray(), band.High.Select(v => v * scale).ToArray());
                fill.FillColor = color.WithAlpha(0.18);
                fill.LineWidth = 0;
            }
            var line = plot.Add.ScatterLine(band.X, band.Mean.Select(v => v * scale).ToArray(), color);
            line.LineWidth = 2.5f;
            line.LegendText = $"{cells[i].Cell.Name} ({seeds.Count} seed{(seeds.Count == 1 ? "" : "s")})";
            if (curve.Kind == RunTimeline.Eval)
            {
                line.MarkerSize = 7;
                line.MarkerShape = MarkerShape.FilledCircle;
            }
            drawn++;
        }
        if (drawn == 0) return null;
        plot.ShowLegend(Alignment.LowerRight);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{curve.Kind}.{curve.Metric}.png");
        plot.SavePng(path, RunPlotter.ChartWidth, RunPlotter.ChartHeight);
        return path;
    }
}
