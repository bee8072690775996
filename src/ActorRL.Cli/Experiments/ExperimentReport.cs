using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActorRL.Cli.Experiments;

/// <summary>
/// The experiment's summary table, as summary.json (every seed's numbers, for tools) and summary.md (mean ± standard
/// deviation over seeds, with the range, for people): accuracy before and after RL, the gain, and each curve's end value.
/// </summary>
public static class ExperimentReport
{
    public const string JsonFile = "summary.json";
    public const string MarkdownFile = "summary.md";

    private const string Before = "accuracy_before";
    private const string After = "accuracy_after";
    private const string Gain = "accuracy_gain";

    /// <summary>The table's columns for one seed: accuracy before/after and gain, then the curves' end values.</summary>
    private static IEnumerable<(string Column, double? Value)> Columns(ExperimentPlan plan, SeedResult r)
    {
        yield return (Before, r.AccuracyBefore);
        yield return (After, r.AccuracyAfter);
        yield return (Gain, r.AccuracyBefore is { } b && r.AccuracyAfter is { } a ? a - b : null);
        foreach (var curve in plan.Curves)
            yield return (curve.ToString(), r.Finals.TryGetValue(curve.ToString(), out var v) ? v : null);
    }

    private static IReadOnlyList<string> ColumnNames(ExperimentPlan plan) => new[] { Before, After, Gain }.Concat(plan.Curves.Select(c => c.ToString())).ToList();

    private static SeedStatistics? Statistic(ExperimentPlan plan, CellResult cell, string column) =>
        SeedStatistics.Of(cell.Seeds.Select(s => Columns(plan, s).First(c => c.Column == column).Value ?? double.NaN));

    public static string Json(ExperimentPlan plan, IReadOnlyList<CellResult> cells)
    {
        var document = new Dictionary<string, object?>
        {
            ["experiment"] = plan.Name,
            ["question"] = plan.Question,
            ["file"] = plan.SourceFile,
            ["pipeline"] = plan.PipelineFiles,
            ["set"] = plan.Set,
            ["seeds"] = plan.Seeds,
            ["shared_warm_start"] = plan.SharedWarmStart,
            ["finals"] = "eval curves: the last evaluation; rl curves: the mean over the last tenth of RL steps",
            ["cells"] = cells.Select(cell => new Dictionary<string, object?>
            {
                ["name"] = cell.Cell.Name,
                ["set"] = cell.Cell.Set,
                ["seeds_done"] = cell.Seeds.Count,
                ["seeds_planned"] = cell.SeedsPlanned,
                ["over_seeds"] = ColumnNames(plan).ToDictionary(c => c, c => Statistic(plan, cell, c) is { } s
                    ? new Dictionary<string, double> { ["mean"] = s.Mean, ["sd"] = s.StdDev, ["min"] = s.Min, ["max"] = s.Max }
                    : null),
                ["runs"] = cell.Seeds.Select(s => new Dictionary<string, object?>
                {
                    ["seed"] = s.Seed,
                    ["dir"] = Path.GetRelativePath(plan.Directory, s.Directory),
                    ["steps"] = s.Steps,
                    ["values"] = Columns(plan, s).ToDictionary(c => c.Column, c => c.Value),
                }).ToList(),
            }).ToList(),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }

    public static string Markdown(ExperimentPlan plan, IReadOnlyList<CellResult> cells, IReadOnlyList<string> plots)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {plan.Name}").AppendLine();
        if (plan.Question.Length > 0) md.AppendLine(plan.Question).AppendLine();
        md.AppendLine(Invariant($"Experiment file: `{Path.GetFileName(plan.SourceFile)}`; seeds {string.Join(", ", plan.Seeds)}; {(plan.SharedWarmStart ? "one warm start per seed, shared by every cell" : "every run warm-starts itself")}."));
        md.AppendLine("Mean ± standard deviation over seeds, [min – max]. Accuracy is greedy, on the held-out split; an `eval.` column is the last evaluation, an `rl.` column the mean over the last tenth of RL steps.").AppendLine();
        var columns = ColumnNames(plan);
        md.AppendLine("| cell | seeds | " + string.Join(" | ", columns) + " |");
        md.AppendLine("|---|---:|" + string.Concat(columns.Select(_ => "---:|")));
        foreach (var cell in cells)
        {
            md.Append(Invariant($"| {cell.Cell.Name} | {cell.Seeds.Count}{(cell.Seeds.Count < cell.SeedsPlanned ? $" of {cell.SeedsPlanned}" : "")} |"));
            foreach (var column in columns)
                md.Append(' ').Append(Statistic(plan, cell, column) is { } s ? Cell(column, s) : "n/a").Append(" |");
            md.AppendLine();
        }
        md.AppendLine().AppendLine("Cells:").AppendLine();
        foreach (var cell in cells)
            md.AppendLine($"- `{cell.Cell.Name}`: {(cell.Cell.Set.Count == 0 ? "the pipeline as it is" : string.Join(", ", cell.Cell.Set.Select(o => $"`{o}`")))}");
        if (plots.Count > 0)
        {
            md.AppendLine().AppendLine("Plots (mean over seeds, band: min – max):").AppendLine();
            foreach (var plot in plots) md.AppendLine($"![{Path.GetFileNameWithoutExtension(plot)}]({Path.GetRelativePath(plan.Directory, plot)})");
        }
        md.AppendLine().AppendLine("Per seed:").AppendLine();
        md.AppendLine("| cell | seed | " + string.Join(" | ", columns) + " |");
        md.AppendLine("|---|---:|" + string.Concat(columns.Select(_ => "---:|")));
        foreach (var cell in cells)
        foreach (var seed in cell.Seeds)
            md.AppendLine(Invariant($"| {cell.Cell.Name} | {seed.Seed} | ") + string.Join(" | ", Columns(plan, seed).Select(c => c.Value is { } v ? Number(c.Column, v) : "n/a")) + " |");
        return md.ToString();
    }

    private static bool IsFraction(string column) => column.Contains("accuracy") || column.Contains("fraction");

    private static string Number(string column, double v) => IsFraction(column)
        ? (v * 100).ToString("F1", CultureInfo.InvariantCulture) + " %"
        : v.ToString(Math.Abs(v) >= 100 ? "F1" : "G3", CultureInfo.InvariantCulture);

    private static string Cell(string column, SeedStatistics s) => IsFraction(column)
        ? Invariant($"{s.Mean * 100:F1} ± {s.StdDev * 100:F1} [{s.Min * 100:F1} – {s.Max * 100:F1}]")
        : $"{Number(column, s.Mean)} ± {Number(column, s.StdDev)} [{Number(column, s.Min)} – {Number(column, s.Max)}]";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
