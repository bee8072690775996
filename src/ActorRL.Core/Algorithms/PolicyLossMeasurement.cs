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

        var values = new List<Tensor>
        {
            x.Surrogate.detach().to_type(dtype),
            UnitFraction(clippedLow), UnitFraction(clippedHigh), UnitFraction(dual),
            TokenFraction(clippedLow), TokenFraction(clippedHigh), TokenFraction(dual),
            TokenMean(r),
            r.to_type(dtype).masked_fill(padding, double.PositiveInfinity).min(),
            r.to_type(dtype).masked_fill(padding, double.NegativeInfinity).max(),
            TokenMean(KlEstimators.K3.Compute(x.NewLogp.detach(), x.BehaviourLogp)),
            fullyClipped, units, tokens,
        };
        const int fixedCount = 14;
        if (x.Entropies is not null) values.Add(TokenMean(x.Entropies));
        if (x.Kl is not null) values.Add(TokenMean(x.Kl));
        if (x.ImportanceWeight is not null)
        {
            values.Add(TokenMean(x.ImportanceWeight));
            values.Add(TokenFraction((x.ImportanceWeight >= x.ImportanceWeightCap).logical_and(mask)));
        }
        // One device-to-host transfer for every number.
        var v = stack(values).cpu().data<double>().ToArray();
        var next = fixedCount;
        double? Optional(bool present) => present ? v[next++] : null;
        return new PolicyLossMetrics(
            SurrogateLoss: v[0],
            ClipFractionLow: v[1], ClipFractionHigh: v[2], ClipFractionDual: v[3],
            TokenClipFractionLow: v[4], TokenClipFractionHigh: v[5], TokenClipFractionDual: v[6],
            RatioMean: v[7], RatioMin: v[8], RatioMax: v[9],
            ApproxKlBehaviour: v[10],
            MeanEntropy: Optional(x.Entropies is not null),
            FullyClippedResponseFraction: v[11],
            KlToReference: Optional(x.Kl is not null),
            ImportanceWeightMean: Optional(x.ImportanceWeight is not null),
            ImportanceWeightCappedFraction: Optional(x.ImportanceWeight is not null),
            Responses: mask.shape[0],
            Tokens: (long)v[13],
            Units: (long)Math.Round(v[12]));
    }
}
