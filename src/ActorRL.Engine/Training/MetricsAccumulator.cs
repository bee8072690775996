using ActorRL.Core.Algorithms;

namespace ActorRL.Engine.Training;

/// <summary>Averages the per-update loss metrics of one learner step into the step's metrics.</summary>
internal sealed class MetricsAccumulator
{
    private readonly List<(double Loss, PolicyLossMetrics Metrics, double GradNorm, double Lr)> _updates = new();

    public void Add(double loss, PolicyLossMetrics metrics, double gradNorm, double lr) => _updates.Add((loss, metrics, gradNorm, lr));

    public Dictionary<string, double> Summary()
    {
        double Mean(Func<(double Loss, PolicyLossMetrics Metrics, double GradNorm, double Lr), double> f) => _updates.Count == 0 ? 0 : _updates.Average(f);
        var values = new Dictionary<string, double>
        {
            ["loss"] = Mean(u => u.Loss),
            ["clip_fraction"] = Mean(u => u.Metrics.TokenClipFraction),
            ["clip_fraction_low"] = Mean(u => u.Metrics.TokenClipFractionLow),
            ["clip_fraction_high"] = Mean(u => u.Metrics.TokenClipFractionHigh),
            ["clip_fraction_dual"] = Mean(u => u.Metrics.TokenClipFractionDual),
            ["unit_clip_fraction"] = Mean(u => u.Metrics.ClipFractionLow + u.Metrics.ClipFractionHigh),
            ["fully_clipped_fraction"] = Mean(u => u.Metrics.FullyClippedResponseFraction),
            ["ratio_mean"] = Mean(u => u.Metrics.RatioMean),
            ["ratio_min"] = _updates.Count == 0 ? 0 : _updates.Min(u => u.Metrics.RatioMin),
            ["ratio_max"] = _updates.Count == 0 ? 0 : _updates.Max(u => u.Metrics.RatioMax),
            ["approx_kl"] = Mean(u => u.Metrics.ApproxKlBehaviour),
            ["grad_norm"] = Mean(u => u.GradNorm),
            ["lr"] = _updates.Count == 0 ? 0 : _updates[^1].Lr,
            ["updates"] = _updates.Count,
        };
        if (_updates.All(u => u.Metrics.MeanEntropy is not null)) values["entropy"] = Mean(u => u.Metrics.MeanEntropy!.Value);
        if (_updates.All(u => u.Metrics.KlToReference is not null)) values["kl_reference"] = Mean(u => u.Metrics.KlToReference!.Value);
        if (_updates.All(u => u.Metrics.ImportanceWeightMean is not null)) values["importance_weight_mean"] = Mean(u => u.Metrics.ImportanceWeightMean!.Value);
        return values;
    }
}
