namespace ActorRL.Cli.Experiments;

/// <summary>Writes the experiment's report from its run directories: summary.json, summary.md and plots/*.png.</summary>
public static class ExperimentOutputs
{
    public const string PlotsDirectory = "plots";

    public static IReadOnlyList<CellResult> Write(ExperimentPlan plan)
    {
        var cells = ExperimentResults.Read(plan);
        var plots = plan.Curves
            .Select(curve => SeedBandChart.Write(plan, curve, cells, Path.Combine(plan.Directory, PlotsDirectory)))
            .OfType<string>().ToList();
        Core.IO.DurableFile.WriteAllBytes(Path.Combine(plan.Directory, ExperimentReport.JsonFile),
            System.Text.Encoding.UTF8.GetBytes(ExperimentReport.Json(plan, cells)));
        Core.IO.DurableFile.WriteAllBytes(Path.Combine(plan.Directory, ExperimentReport.MarkdownFile),
            System.Text.Encoding.UTF8.GetBytes(ExperimentReport.Markdown(plan, cells, plots)));
        return cells;
    }
}
