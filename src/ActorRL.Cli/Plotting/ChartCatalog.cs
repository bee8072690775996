using System.Globalization;
using static ActorRL.Cli.Plotting.RunTimeline;

namespace ActorRL.Cli.Plotting;

/// <summary>The charts to draw for one run, and the metrics left out because they never changed.</summary>
public sealed record ChartSelection(IReadOnlyList<ChartSpec> Charts, IReadOnlyList<string> ConstantMetrics);

/// <summary>
/// Which charts a run gets. Known metrics get charts with real titles and units, the ones a person checks first
/// (reward, accuracy, length, clipping, entropy, staleness, losses, learner time) in that order and on the
/// overview. Every other metric in the file still gets a chart of its own, so new metrics show up without code
/// changes; those that are constant for the whole run (bookkeeping such as a batch size) are listed instead.
/// </summary>
public static class ChartCatalog
{
    public static ChartSelection For(RunTimeline timeline)
    {
        var charts = new List<ChartSpec>();
        foreach (var spec in KnownCharts(timeline))
        {
            var present = spec.Series.Where(s => timeline.Has(s.Kind, s.Metric)).ToList();
            if (present.Count > 0) charts.Add(spec with { Series = present });
        }

        var claimed = charts.SelectMany(c => c.Series).Select(s => (s.Kind, s.Metric)).ToHashSet();
        var constant = new List<string>();
        var usedNames = charts.Select(c => c.Name).ToHashSet();
        foreach (var metric in timeline.Kinds.SelectMany(timeline.Metrics).Distinct())
        {
            var series = timeline.Kinds
                .Where(kind => !claimed.Contains((kind, metric)) && timeline.Has(kind, metric))
                .Select(kind => new SeriesSpec(kind, metric, KindLabel(kind), StyleFor(kind)))
                .ToList();
            if (series.Count == 0) continue;
            var values = series.SelectMany(s => timeline.Series(s.Kind, s.Metric).Y).Distinct().ToList();
            if (values.Count == 1)
            {
                constant.Add($"{metric} = {values[0].ToString("G6", CultureInfo.InvariantCulture)}");
                continue;
            }
            var name = FileName(metric);
            if (!usedNames.Add(name)) usedNames.Add(name = $"metric_{name}");
            var (title, yLabel, percent) = Describe(metric);
            charts.Add(new ChartSpec(name, title, yLabel, series, Percent: percent));
        }
        return new ChartSelection(charts, constant);
    }

    /// <summary>The charts with hand-written titles, most important first. Series missing from a run are dropped.</summary>
    private static IEnumerable<ChartSpec> KnownCharts(RunTimeline t)
    {
        var rewardParts = t.Metrics(Rl)
            .Where(m => m.StartsWith("reward_", StringComparison.Ordinal) && m != "reward_mean")
            .Select(m => new SeriesSpec(Rl, m, $"part: {m["reward_".Length..]}", SeriesStyle.Average));
        yield return new ChartSpec("reward", "Reward", "mean reward per rollout",
            [new(Rl, "reward_mean", "mean reward", SeriesStyle.Smoothed), .. rewardParts], InOverview: true);
        yield return new ChartSpec("accuracy", AccuracyTitle(t), "accuracy (%)",
            [new(Eval, "accuracy", "held-out set, greedy", SeriesStyle.Points)], Percent: true, FullPercentRange: true, InOverview: true);
        yield return new ChartSpec("response_length", "Response length", "tokens per response",
            [new(Rl, "response_length_mean", "rollouts (sampled)", SeriesStyle.Smoothed),
             new(Eval, "eval_response_length_mean", "held-out set (greedy)", SeriesStyle.Points)], FromZero: true, InOverview: true);
        yield return new ChartSpec("clip_fraction", "Clip fraction", "tokens clipped (%)",
            [new(Rl, "clip_fraction", "all clipped tokens", SeriesStyle.Smoothed),
             new(Rl, "clip_fraction_low", "at 1 − ε_low", SeriesStyle.Average),
             new(Rl, "clip_fraction_high", "at 1 + ε_high", SeriesStyle.Average),
             new(Rl, "clip_fraction_dual", "dual clip", SeriesStyle.Average)], Percent: true, FromZero: true, InOverview: true);
        yield return new ChartSpec("entropy", "Policy entropy", "nats per token",
            [new(Rl, "entropy", "mean token entropy", SeriesStyle.Smoothed)], FromZero: true, InOverview: true);
        yield return new ChartSpec("staleness", "Staleness of consumed groups", "policy versions behind the learner",
            [new(Rl, "staleness_mean", "mean"), new(Rl, "staleness_max", "max")], FromZero: true, InOverview: true);
        yield return new ChartSpec("loss_sft", "Warm-start loss (SFT)", "cross-entropy (nats per token)",
            [new(Sft, "loss", "training loss", SeriesStyle.Smoothed)], FromZero: true, InOverview: true);
        yield return new ChartSpec("loss_rl", "RL policy loss", "loss",
            [new(Rl, "loss", "policy loss", SeriesStyle.Smoothed)], InOverview: true);
        yield return new ChartSpec("learner_time", "Learner time per RL step", "seconds",
            [new(Rl, "learner_step_seconds", "computing the update"),
             new(Rl, "learner_idle_seconds", "idle, waiting for rollouts")], FromZero: true, InOverview: true);

        yield return new ChartSpec("grad_norm", "Gradient norm (before clipping)", "L2 norm",
            [new(Sft, "grad_norm", KindLabel(Sft), SeriesStyle.Smoothed), new(Rl, "grad_norm", KindLabel(Rl), SeriesStyle.Smoothed)], FromZero: true);
        yield return new ChartSpec("lr", "Learning rate", "learning rate",
            [new(Sft, "lr", KindLabel(Sft)), new(Rl, "lr", KindLabel(Rl))], LogScale: true);
        yield return new ChartSpec("importance_ratio", "Importance ratio π_θ / π_old", "ratio",
            [new(Rl, "ratio_mean", "mean"), new(Rl, "ratio_min", "min"), new(Rl, "ratio_max", "max")]);
        yield return new ChartSpec("approx_kl", "Approximate KL to the behaviour policy", "nats",
            [new(Rl, "approx_kl", "approx. KL", SeriesStyle.Smoothed)]);
        yield return new ChartSpec("kl_reference", "KL to the reference policy", "nats",
            [new(Rl, "kl_reference", "KL", SeriesStyle.Smoothed)], FromZero: true);
        yield return new ChartSpec("clipped_units", "Clipped ratio units and fully clipped responses", "share (%)",
            [new(Rl, "unit_clip_fraction", "ratio units clipped", SeriesStyle.Smoothed),
             new(Rl, "fully_clipped_fraction", "responses with every token clipped", SeriesStyle.Smoothed)], Percent: true, FromZero: true);
        yield return new ChartSpec("zero_advantage", "Rollouts with zero advantage (no learning signal)", "rollouts (%)",
            [new(Rl, "zero_advantage_fraction", "zero advantage", SeriesStyle.Smoothed)], Percent: true, FullPercentRange: true);
    }

    private static string AccuracyTitle(RunTimeline t)
    {
        var accuracy = t.Series(Eval, "accuracy").Y;
        return accuracy.Length switch
        {
            0 => "Held-out accuracy",
            1 => $"Held-out accuracy: {Percent(accuracy[0])}",
            _ => $"Held-out accuracy: {Percent(accuracy[0])} → {Percent(accuracy[^1])}",
        };
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    /// <summary>Titles and units for metrics that have no chart of their own above.</summary>
    private static (string Title, string YLabel, bool Percent) Describe(string metric) => metric switch
    {
        "advantage_abs_mean" => ("Mean |advantage|", "|advantage|", false),
        "importance_weight_mean" => ("Mean importance weight (off-policy correction)", "weight", false),
        "mistake_fraction" => ("Warm-start demonstrations with a deliberate mistake", "demonstrations (%)", true),
        "singleton_groups" => ("Groups of one rollout", "groups", false),
        "groups" => ("Groups per learner step", "groups", false),
        "updates" => ("Optimizer updates per learner step", "updates", false),
        _ => (Humanize(metric), metric, false),
    };

    public static string KindLabel(string kind) => kind switch
    {
        Sft => "warm start (SFT)",
        Rl => "RL",
        Eval => "evaluation",
        _ => kind,
    };

    private static SeriesStyle StyleFor(string kind) => kind == Eval ? SeriesStyle.Points : SeriesStyle.Smoothed;

    private static string Humanize(string metric)
    {
        var words = metric.Replace('_', ' ').Replace('-', ' ').Trim();
        return words.Length == 0 ? metric : char.ToUpperInvariant(words[0]) + words[1..];
    }

    private static string FileName(string metric)
    {
        var name = new string(metric.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? char.ToLowerInvariant(c) : '_').ToArray());
        return name.Length == 0 ? "metric" : name;
    }
}
