using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Plotting;

/// <summary>Points of one metric of one record kind, on the run's learner-step axis (NaN values left out).</summary>
public sealed record MetricSeries(string Kind, string Metric, double[] X, double[] Y);

/// <summary>
/// The x axis every chart shares: the learner step counted across stages. metrics.jsonl numbers warm-start (sft)
/// steps 1..W and RL steps 1..R separately; here RL step s sits at W + s, and an evaluation after RL step s at
/// W + s too (the evaluation before RL, step 0, sits at W, where RL starts). One axis lets a reader line up
/// reward, accuracy and staleness at the same moment of the run.
/// </summary>
public sealed class RunTimeline
{
    public const string Sft = "sft";
    public const string Rl = "rl";
    public const string Eval = "eval";

    private readonly IReadOnlyList<MetricsRecord> _records;

    public RunTimeline(IReadOnlyList<MetricsRecord> records)
    {
        _records = records;
        WarmStartSteps = records.Where(r => r.Kind == Sft).Select(r => r.Step).DefaultIfEmpty(0).Max();
        RlSteps = records.Where(r => r.Kind == Rl).Select(r => r.Step).DefaultIfEmpty(0).Max();
    }

    /// <summary>Last warm-start step in the file (0 when the run had no sft stage).</summary>
    public int WarmStartSteps { get; }

    /// <summary>Last RL step in the file.</summary>
    public int RlSteps { get; }

    public bool IsEmpty => _records.Count == 0;

    /// <summary>Where RL starts on the x axis, when the run has both a warm start and something after it.</summary>
    public double? RlStart => WarmStartSteps > 0 && _records.Any(r => r.Kind != Sft) ? WarmStartSteps : null;

    public string XLabel => RlStart is null
        ? "learner step"
        : RlSteps > 0
            ? $"learner step (warm start 1–{WarmStartSteps}, RL {WarmStartSteps + 1}–{WarmStartSteps + RlSteps})"
            : $"learner step (warm start 1–{WarmStartSteps})";

    public double X(MetricsRecord record) => record.Kind == Sft ? record.Step : WarmStartSteps + record.Step;

    /// <summary>Record kinds in the order they first appear.</summary>
    public IReadOnlyList<string> Kinds => _records.Select(r => r.Kind).Distinct().ToList();

    /// <summary>Metric names of one kind, in the order they first appear.</summary>
    public IReadOnlyList<string> Metrics(string kind) =>
        _records.Where(r => r.Kind == kind).SelectMany(r => r.Values.Keys).Distinct().ToList();

    public bool Has(string kind, string metric) => Series(kind, metric).X.Length > 0;

    public MetricSeries Series(string kind, string metric)
    {
        var points = _records
            .Where(r => r.Kind == kind && r.Values.TryGetValue(metric, out var y) && double.IsFinite(y))
            .Select(r => (X: X(r), Y: r.Values[metric]))
            .ToList();
        return new MetricSeries(kind, metric, points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
    }
}
