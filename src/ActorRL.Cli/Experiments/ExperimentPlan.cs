using System.Text.RegularExpressions;
using ActorRL.Core.Configuration;

namespace ActorRL.Cli.Experiments;

/// <summary>One cell of the grid: a name (its directory) and the overrides it adds to the experiment's pipeline.</summary>
public sealed record ExperimentCell(string Name, IReadOnlyList<string> Set);

/// <summary>A curve to compare cells on: a metric of one record kind of metrics.jsonl (<c>rl.reward_mean</c>, <c>eval.accuracy</c>).</summary>
public sealed record ExperimentCurve(string Kind, string Metric)
{
    public override string ToString() => $"{Kind}.{Metric}";
}

/// <summary>
/// An experiment file (<c>actorrl experiment FILE.conf</c>), read into typed settings at the edge: the pipeline every cell
/// runs, the overrides every cell shares, the seeds, the cells, and the curves and table columns to compare them on.
/// The file has one root section, <c>experiment</c>; its keys are documented in samples/experiments/README.md.
/// </summary>
public sealed partial record ExperimentPlan(
    string Name,
    string SourceFile,
    string Directory,
    IReadOnlyList<string> PipelineFiles,
    IReadOnlyList<string> Set,
    IReadOnlyList<long> Seeds,
    bool SharedWarmStart,
    IReadOnlyList<ExperimentCell> Cells,
    IReadOnlyList<ExperimentCurve> Curves,
    string Question)
{
    private static readonly string[] Keys = ["title", "question", "dir", "pipeline", "set", "seeds", "shared-warm-start", "cells", "curves"];
    private static readonly string[] CellKeys = ["set"];

    /// <param name="file">The experiment file.</param>
    /// <param name="directory">Where the experiment's runs and report go; null: its <c>dir</c> key, or runs/experiments/NAME.</param>
    public static ExperimentPlan Load(string file, string? directory = null)
    {
        if (!File.Exists(file)) throw new SettingsException("", file, null, "file not found");
        var text = File.ReadAllText(file);
        var top = SettingsReader.Parse(text, "", file);
        foreach (var key in top.Keys.Where(k => k != "experiment"))
            throw top.Fail(key, "is not an experiment key: an experiment file has one root section, experiment { … }");
        var reader = top.Section("experiment");
        if (reader.Keys.Count == 0) throw new SettingsException("experiment", file, null, "missing: an experiment file needs an experiment { … } section");
        foreach (var key in reader.Keys.Where(k => !Keys.Contains(k)))
            throw reader.Fail(key, $"is not an experiment key; allowed: {string.Join(", ", Keys)}");

        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var name = Path.GetFileNameWithoutExtension(file);
        var pipelines = reader.GetStringList("pipeline").Select(p => Path.GetFullPath(Path.Combine(folder, p))).ToList();
        if (pipelines.Count == 0) throw reader.Fail("pipeline", "is empty; list the pipeline file(s) every cell runs, relative to the experiment file");
        foreach (var (path, index) in pipelines.Select((p, i) => (p, i)))
            if (!File.Exists(path)) throw reader.Fail("pipeline", $"names {reader.GetStringList("pipeline")[index]}, which is not a file (looked for {path})");

        var seeds = reader.GetIntList("seeds").Select(s => (long)s).ToList();
        if (seeds.Count == 0) throw reader.Fail("seeds", "is empty; give at least one seed, e.g. [1, 2, 3]");
        if (seeds.Distinct().Count() != seeds.Count) throw reader.Fail("seeds", $"lists a seed twice: [{string.Join(", ", seeds)}]");

        var cellsReader = reader.Section("cells");
        var cells = new List<ExperimentCell>();
        foreach (var cellName in cellsReader.Keys)
        {
            if (!CellName().IsMatch(cellName))
                throw cellsReader.Fail(cellName, "is not a usable cell name (it becomes a directory): letters, digits, '-' and '_' only");
            var cell = cellsReader.Section(cellName);
            foreach (var key in cell.Keys.Where(k => !CellKeys.Contains(k)))
                throw cell.Fail(key, $"is not a cell key; allowed: {string.Join(", ", CellKeys)}");
            cells.Add(new ExperimentCell(cellName, cell.IsSet("set") ? OverridesAt(cell, "set") : []));
        }
        if (cells.Count == 0) throw reader.Fail("cells", "names no cell; give at least one, e.g. cells { grpo { set = [\"actorrl.algorithm.loss=grpo\"] } }");

        var curves = new List<ExperimentCurve>();
        foreach (var curve in reader.IsSet("curves") ? reader.GetStringList("curves") : [])
        {
            var dot = curve.IndexOf('.');
            if (dot <= 0 || dot == curve.Length - 1) throw reader.Fail("curves", $"has \"{curve}\"; each curve is KIND.METRIC of metrics.jsonl, e.g. rl.reward_mean or eval.accuracy");
            curves.Add(new ExperimentCurve(curve[..dot], curve[(dot + 1)..]));
        }

        var dir = directory ?? (reader.IsSet("dir") ? reader.GetString("dir") : Path.Combine("runs", "experiments", name));
        return new ExperimentPlan(
            reader.IsSet("title") ? reader.GetString("title") : name,
            Path.GetFullPath(file),
            Path.GetFullPath(dir),
            pipelines,
            reader.IsSet("set") ? OverridesAt(reader, "set") : [],
            seeds,
            reader.IsSet("shared-warm-start") && reader.GetBool("shared-warm-start"),
            cells,
            curves,
            reader.IsSet("question") ? reader.GetString("question") : "");
    }

    /// <summary>A list of <c>key=value</c> overrides, as <c>--set</c> takes them.</summary>
    private static IReadOnlyList<string> OverridesAt(SettingsReader reader, string key)
    {
        var overrides = reader.GetStringList(key);
        foreach (var o in overrides)
            if (!o.Contains('=')) throw reader.Fail(key, $"has \"{o}\"; each override is key=value, as --set takes it (e.g. actorrl.algorithm.loss=gspo)");
        return overrides;
    }

    /// <summary>Each run of the grid: every cell with every seed, cell by cell.</summary>
    public IEnumerable<(ExperimentCell Cell, long Seed)> Runs => Cells.SelectMany(c => Seeds.Select(s => (c, s)));

    public string CellDirectory(ExperimentCell cell, long seed) => Path.Combine(Directory, "cells", cell.Name, $"seed-{seed}");

    public string WarmStartDirectory(long seed) => Path.Combine(Directory, "warm-start", $"seed-{seed}");

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex CellName();
}
