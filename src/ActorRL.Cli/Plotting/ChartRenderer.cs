using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace ActorRL.Cli.Plotting;

/// <summary>Draws one <see cref="ChartSpec"/> with ScottPlot: fonts sized to be read in a grid, the RL start marked.</summary>
public static class ChartRenderer
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    public static Plot Render(ChartSpec chart, RunTimeline timeline)
    {
        var plot = new Plot();
        plot.Font.Set(ChartFont.Name);
        plot.Title(chart.Title);
        plot.XLabel(timeline.XLabel);
        plot.YLabel(chart.YLabel);
        plot.Axes.Title.Label.FontSize = 22;
        plot.Axes.Bottom.Label.FontSize = 16;
        plot.Axes.Left.Label.FontSize = 16;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        // Fewer, rounder ticks than ScottPlot's default density: steps are integers and labels must not touch.
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true, TickDensity = 0.6 };
        plot.Legend.FontSize = 14;

        var drawn = new List<(double X, double Y)>();
        for (var i = 0; i < chart.Series.Count; i++)
        {
            var spec = chart.Series[i];
            var series = timeline.Series(spec.Kind, spec.Metric);
            var (x, y) = Transform(chart, series);
            AddSeries(plot, spec, x, y, Palette.GetColor(i), chart.Percent);
            drawn.AddRange(AlongTheLine(x, y));
        }
        if (timeline.RlStart is { } rlStart) MarkRlStart(plot, rlStart);
        if (chart.LogScale) UseLogTicks(plot);

        plot.Axes.AutoScale();
        if (chart.FullPercentRange) plot.Axes.SetLimitsY(0, 100);
        else if (chart.FromZero && !chart.LogScale)
        {
            var top = plot.Axes.GetLimits().Top;
            plot.Axes.SetLimitsY(0, top > 0 ? top : 1);
        }
        PlaceLegend(plot, drawn, roomToGrow: !chart.FullPercentRange);
        return plot;
    }

    /// <summary>Percentages ×100; a log-scale chart plots log10 of its positive values (ScottPlot has no log axis).</summary>
    private static (double[] X, double[] Y) Transform(ChartSpec chart, MetricSeries series)
    {
        if (chart.LogScale)
        {
            var positive = Enumerable.Range(0, series.X.Length).Where(i => series.Y[i] > 0).ToList();
            return (positive.Select(i => series.X[i]).ToArray(), positive.Select(i => Math.Log10(series.Y[i])).ToArray());
        }
        return (series.X, chart.Percent ? series.Y.Select(v => v * 100).ToArray() : series.Y);
    }

    private static void UseLogTicks(Plot plot) =>
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = exponent => Math.Abs(exponent) <= 4
                ? Math.Pow(10, exponent).ToString("0.####", CultureInfo.InvariantCulture)
                : $"1e{exponent.ToString("0", CultureInfo.InvariantCulture)}",
        };

    /// <summary>
    /// The legend goes to the emptiest corner; if every corner has data under it, the y axis grows upwards so the
    /// legend sits above the curves instead of on them.
    /// </summary>
    private static void PlaceLegend(Plot plot, IReadOnlyList<(double X, double Y)> drawn, bool roomToGrow)
    {
        var limits = plot.Axes.GetLimits();
        var (corner, covered) = LegendPlacement.BestCorner(drawn, limits);
        if (covered > 0 && roomToGrow)
        {
            plot.Axes.SetLimitsY(limits.Bottom, limits.Bottom + (limits.Top - limits.Bottom) / (1 - LegendPlacement.Height));
            corner = Alignment.UpperRight;
        }
        plot.ShowLegend(corner);
    }

    private static void AddSeries(Plot plot, SeriesSpec spec, double[] x, double[] y, Color color, bool percent)
    {
        var smooth = spec.Style is SeriesStyle.Smoothed or SeriesStyle.Average && x.Length >= MovingAverage.MinimumPoints;
        if (!smooth)
        {
            var line = plot.Add.ScatterLine(x, y, color);
            line.LineWidth = 2;
            line.LegendText = spec.Label;
            if (spec.Style == SeriesStyle.Points) MarkPoints(plot, line, x, y, color, percent);
            return;
        }
        if (spec.Style == SeriesStyle.Smoothed)
        {
            var raw = plot.Add.ScatterLine(x, y, color.WithAlpha(0.25));
            raw.LineWidth = 1;
        }
        var window = MovingAverage.WindowFor(x.Length);
        var average = plot.Add.ScatterLine(x, MovingAverage.Trailing(y, window), color);
        average.LineWidth = 2.5f;
        // Secondary lines (reward parts, clip sides) are dashed: a part equal to the whole must not hide it.
        if (spec.Style == SeriesStyle.Average) average.LinePattern = LinePattern.Dashed;
        average.LegendText = $"{spec.Label}, {window}-step avg";
    }

    /// <summary>Evaluations are few: show each one as a marker with its value, so nobody has to read it off the axis.</summary>
    private static void MarkPoints(Plot plot, ScottPlot.Plottables.Scatter line, double[] x, double[] y, Color color, bool percent)
    {
        line.MarkerSize = 9;
        line.MarkerShape = MarkerShape.FilledCircle;
        if (x.Length > 15) return;
        for (var i = 0; i < x.Length; i++)
        {
            var value = percent ? $"{y[i].ToString("F1", CultureInfo.InvariantCulture)}%" : y[i].ToString("G4", CultureInfo.InvariantCulture);
            var text = plot.Add.Text(value, x[i], y[i]);
            text.LabelFontName = ChartFont.Name;
            text.LabelFontSize = 13;
            text.LabelBold = true;
            text.LabelFontColor = color;
            text.LabelAlignment = Alignment.LowerCenter;
            text.OffsetY = -8;
        }
    }

    /// <summary>The warm start and RL share the x axis; a dashed line, labelled above the data, shows where RL begins.</summary>
    private static void MarkRlStart(Plot plot, double x)
    {
        var line = plot.Add.VerticalLine(x);
        line.LinePattern = LinePattern.Dashed;
        line.LineWidth = 1.5f;
        line.Color = Colors.Gray;
        line.Text = "RL starts";
        line.LabelOppositeAxis = true;
        line.LabelFontName = ChartFont.Name;
        line.LabelFontSize = 13;
        line.ExcludeFromLegend = true;
    }

    /// <summary>The data points, plus points along the segments between sparse ones (a legend must not hide a line either).</summary>
    private static IEnumerable<(double X, double Y)> AlongTheLine(double[] x, double[] y)
    {
        const int perSegment = 20;
        for (var i = 0; i < x.Length; i++)
        {
            yield return (x[i], y[i]);
            if (i + 1 >= x.Length || x.Length > 100) continue;
            for (var k = 1; k < perSegment; k++)
            {
                var t = k / (double)perSegment;
                yield return (x[i] + t * (x[i + 1] - x[i]), y[i] + t * (y[i + 1] - y[i]));
            }
        }
    }
}
