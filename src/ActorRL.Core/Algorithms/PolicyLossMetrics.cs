namespace ActorRL.Core.Algorithms;

/// <summary>
/// What one loss evaluation did, for logs and tests. Clip fractions count a ratio only on the side that stops
/// the gradient (above 1+ε_high with A &gt; 0, below 1−ε_low with A &lt; 0); dual-clip activations are separate.
/// "Unit" fractions count at the ratio's own level (tokens, spans or responses); "token" fractions count tokens.
/// </summary>
public sealed record PolicyLossMetrics(
    double SurrogateLoss,
    double ClipFractionLow,
    double ClipFractionHigh,
    double ClipFractionDual,
    double TokenClipFractionLow,
    double TokenClipFractionHigh,
    double TokenClipFractionDual,
    double RatioMean,
    double RatioMin,
    double RatioMax,
    double ApproxKlBehaviour,
    double? MeanEntropy,
    double FullyClippedResponseFraction,
    double? KlToReference,
    double? ImportanceWeightMean,
    double? ImportanceWeightCappedFraction,
    long Responses,
    long Tokens,
    long Units)
{
    /// <summary>Fraction of tokens whose ratio was clipped (low + high), the number <c>loss-check</c> reports.</summary>
    public double TokenClipFraction => TokenClipFractionLow + TokenClipFractionHigh;

    /// <summary>
    /// The metrics of one optimizer update from those of its micro-batches (each computed with the update's
    /// <see cref="BatchTotals"/>): the surrogate losses add up; every fraction and mean is re-weighted by the count it
    /// is over (tokens, units or responses), so it equals what the unsplit update measures.
    /// </summary>
    public static PolicyLossMetrics Combine(IReadOnlyList<PolicyLossMetrics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("an update has at least one micro-batch", nameof(parts));
        if (parts.Count == 1) return parts[0];
        double tokens = parts.Sum(p => p.Tokens), units = parts.Sum(p => p.Units), responses = parts.Sum(p => p.Responses);
        double ByTokens(Func<PolicyLossMetrics, double> f) => parts.Sum(p => f(p) * p.Tokens) / tokens;
        double ByUnits(Func<PolicyLossMetrics, double> f) => parts.Sum(p => f(p) * p.Units) / units;
        double? OptionalByTokens(Func<PolicyLossMetrics, double?> f) =>
            parts.All(p => f(p) is not null) ? parts.Sum(p => f(p)!.Value * p.Tokens) / tokens : null;
        return new PolicyLossMetrics(
            SurrogateLoss: parts.Sum(p => p.SurrogateLoss),
            ClipFractionLow: ByUnits(p => p.ClipFractionLow),
            ClipFractionHigh: ByUnits(p => p.ClipFractionHigh),
            ClipFractionDual: ByUnits(p => p.ClipFractionDual),
            TokenClipFractionLow: ByTokens(p => p.TokenClipFractionLow),
            TokenClipFractionHigh: ByTokens(p => p.TokenClipFractionHigh),
            TokenClipFractionDual: ByTokens(p => p.TokenClipFractionDual),
            RatioMean: ByTokens(p => p.RatioMean),
            RatioMin: parts.Min(p => p.RatioMin),
            RatioMax: parts.Max(p => p.RatioMax),
            ApproxKlBehaviour: ByTokens(p => p.ApproxKlBehaviour),
            MeanEntropy: OptionalByTokens(p => p.MeanEntropy),
            FullyClippedResponseFraction: parts.Sum(p => p.FullyClippedResponseFraction * p.Responses) / responses,
            KlToReference: OptionalByTokens(p => p.KlToReference),
            ImportanceWeightMean: OptionalByTokens(p => p.ImportanceWeightMean),
            ImportanceWeightCappedFraction: OptionalByTokens(p => p.ImportanceWeightCappedFraction),
            Responses: (long)responses,
            Tokens: (long)tokens,
            Units: (long)units);
    }
}
