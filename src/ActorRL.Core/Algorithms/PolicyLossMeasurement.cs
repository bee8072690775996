using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>Computes <see cref="PolicyLossMetrics"/> from one loss evaluation's tensors, without gradient.</summary>
internal static class PolicyLossMeasurement
{
    /// <summary>Everything the metrics need; [B,T] tensors unless noted.</summary>
    internal sealed record Inputs(
        Tensor Ratio,
        Tensor Advantages,
        Tensor Low,
        Tensor High,
        double? DualClip,
        Tensor Mask,
        RatioUnits Units,
        Tensor NewLogp,
        Tensor BehaviourLogp,
        Tensor? Entropies,
        Tensor Surrogate,        // scalar
        Tensor? Kl,
        Tensor? ImportanceWeight,
        double ImportanceWeightCap);

    public static PolicyLossMetrics Measure(Inputs x)
    {
        using var noGrad = no_grad();
        var dtype = ScalarType.Float64;
        var mask = x.Mask;
        var padding = mask.logical_not();
        var r = x.Ratio.detach();
        var clippedHigh = ClippedSurrogate.ClippedHigh(r, x.Advantages, x.High).logical_and(mask);
        var clippedLow = ClippedSurrogate.ClippedLow(r, x.Advantages, x.Low).logical_and(mask);
        var dual = x.DualClip is { } c ? ClippedSurrogate.DualClipped(r, x.Advantages, c).logical_and(mask) : zeros_like(mask);
        var tokens = mask.sum().to_type(dtype);
        // Each token weighs 1/|unit|, so every unit counts once in the unit-level fractions.
        var unitWeight = mask.to_type(dtype) / x.Units.SizeOfUnit.to_type(dtype).clamp_min(1);
        var units = unitWeight.sum();
        Tensor TokenFraction(Tensor flags) => flags.to_type(dtype).sum() / tokens;
        Tensor UnitFraction(Tensor flags) => (flags.to_type(dtype) * unitWeight).sum() / units;
        Tensor TokenMean(Tensor values) => values.detach().to_type(dtype).masked_fill(padding, 0).sum() / tokens;
        var noGradient = clippedHigh.logical_or(clippedLow).logical_or(dual);
        var fullyClipped = noGradient.logical_or(padding).all(1).to_type(dtype).mean();

        // Every number is measured under its field's name and read back by that name, never by position.
        var measured = new List<(string Name, Tensor Value)>
        {
            (nameof(PolicyLossMetrics.SurrogateLoss), x.Surrogate.detach().to_type(dtype)),
            (nameof(PolicyLossMetrics.ClipFractionLow), UnitFraction(clippedLow)),
            (nameof(PolicyLossMetrics.ClipFractionHigh), UnitFraction(clippedHigh)),
            (nameof(PolicyLossMetrics.ClipFractionDual), UnitFraction(dual)),
            (nameof(PolicyLossMetrics.TokenClipFractionLow), TokenFraction(clippedLow)),
            (nameof(PolicyLossMetrics.TokenClipFractionHigh), TokenFraction(clippedHigh)),
            (nameof(PolicyLossMetrics.TokenClipFractionDual), TokenFraction(dual)),
            (nameof(PolicyLossMetrics.RatioMean), TokenMean(r)),
            (nameof(PolicyLossMetrics.RatioMin), r.to_type(dtype).masked_fill(padding, double.PositiveInfinity).min()),
            (nameof(PolicyLossMetrics.RatioMax), r.to_type(dtype).masked_fill(padding, double.NegativeInfinity).max()),
            (nameof(PolicyLossMetrics.ApproxKlBehaviour), TokenMean(KlEstimators.K3.Compute(x.NewLogp.detach(), x.BehaviourLogp))),
            (nameof(PolicyLossMetrics.FullyClippedResponseFraction), fullyClipped),
            (nameof(PolicyLossMetrics.Units), units),
            (nameof(PolicyLossMetrics.Tokens), tokens),
        };
        if (x.Entropies is not null) measured.Add((nameof(PolicyLossMetrics.MeanEntropy), TokenMean(x.Entropies)));
        if (x.Kl is not null) measured.Add((nameof(PolicyLossMetrics.KlToReference), TokenMean(x.Kl)));
        if (x.ImportanceWeight is not null)
        {
            measured.Add((nameof(PolicyLossMetrics.ImportanceWeightMean), TokenMean(x.ImportanceWeight)));
            measured.Add((nameof(PolicyLossMetrics.ImportanceWeightCappedFraction),
                TokenFraction((x.ImportanceWeight >= x.ImportanceWeightCap).logical_and(mask))));
        }
        // One device-to-host transfer for every number.
        var numbers = stack(measured.Select(m => m.Value)).cpu().data<double>().ToArray();
        var v = measured.Select((m, i) => (m.Name, Value: numbers[i])).ToDictionary(m => m.Name, m => m.Value);
        double? Optional(string name) => v.TryGetValue(name, out var value) ? value : null;
        return new PolicyLossMetrics(
            SurrogateLoss: v[nameof(PolicyLossMetrics.SurrogateLoss)],
            ClipFractionLow: v[nameof(PolicyLossMetrics.ClipFractionLow)],
            ClipFractionHigh: v[nameof(PolicyLossMetrics.ClipFractionHigh)],
            ClipFractionDual: v[nameof(PolicyLossMetrics.ClipFractionDual)],
            TokenClipFractionLow: v[nameof(PolicyLossMetrics.TokenClipFractionLow)],
            TokenClipFractionHigh: v[nameof(PolicyLossMetrics.TokenClipFractionHigh)],
            TokenClipFractionDual: v[nameof(PolicyLossMetrics.TokenClipFractionDual)],
            RatioMean: v[nameof(PolicyLossMetrics.RatioMean)],
            RatioMin: v[nameof(PolicyLossMetrics.RatioMin)],
            RatioMax: v[nameof(PolicyLossMetrics.RatioMax)],
            ApproxKlBehaviour: v[nameof(PolicyLossMetrics.ApproxKlBehaviour)],
            MeanEntropy: Optional(nameof(PolicyLossMetrics.MeanEntropy)),
            FullyClippedResponseFraction: v[nameof(PolicyLossMetrics.FullyClippedResponseFraction)],
            KlToReference: Optional(nameof(PolicyLossMetrics.KlToReference)),
            ImportanceWeightMean: Optional(nameof(PolicyLossMetrics.ImportanceWeightMean)),
            ImportanceWeightCappedFraction: Optional(nameof(PolicyLossMetrics.ImportanceWeightCappedFraction)),
            Responses: mask.shape[0],
            Tokens: (long)v[nameof(PolicyLossMetrics.Tokens)],
            Units: (long)Math.Round(v[nameof(PolicyLossMetrics.Units)]));
    }
}
