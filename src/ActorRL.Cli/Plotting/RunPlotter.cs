using ScottPlot;

namespace ActorRL.Cli.Plotting;

/// <summary>What <see cref="RunPlotter.Write"/> produced.</summary>
public sealed record PlotReport(IReadOnlyList<string> Files, int Records, IReadOnlyList<string> ConstantMetrics);

/// <summary>
/// Writes one PNG per chart and overview.png, a grid of the charts a person checks first (reward, accuracy,
/// length, clipping, entropy, staleness, losses, learner time).
/// </summary>
public static class RunPlotter
{
    public const string OverviewFile = "overview.png";
    public const int ChartWidth = 1000;
    public const int ChartHeight = 600;
    private const int OverviewCellWidth = 800;
    private const int OverviewCellHeight = 500;

    public static PlotReport Write(MetricsLog log, string outputDirectory)
    {
        if (log.Records.Count == 0) throw new ArgumentException("no metrics records to plot", nameof(log));
        Directory.CreateDirectory(outputDirectory);
        var timeline = new RunTimeline(log.Records);
        var selection = ChartCatalog.For(timeline);
        var files = new List<string>();

        var overview = selection.Charts.Where(c => c.InOverview).ToList();
        if (overview.Count > 0)
        {
            var path = Path.Combine(outputDirectory, OverviewFile);
            WriteOverview(overview, timeline, path);
            files.Add(path);
        }
        foreach (var chart in selection.Charts)
        {
            var path = Path.Combine(outputDirectory, chart.Name + ".png");
            ChartRenderer.Render(chart, timeline).SavePng(path, ChartWidth, ChartHeight);
            files.Add(path);
        }
        return new PlotReport(files, log.Records.Count, selection.ConstantMetrics);
    }

    private static void WriteOverview(IReadOnlyList<ChartSpec> charts, RunTimeline timeline, string path)
    {
        var columns = Math.Min(3, charts.Count);
        var rows = (charts.Count + columns - 1) / columns;
        // A new Multiplot holds one empty plot; Reset replaces it with our first chart.
        var multiplot = new Multiplot();
        multiplot.Reset(ChartRenderer.Render(charts[0], timeline));
        foreach (var chart in charts.Skip(1)) multiplot.AddPlot(ChartRenderer.Render(chart, timeline));
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        multiplot.SavePng(path, columns * OverviewCellWidth, rows * OverviewCellHeight);
    }
}
