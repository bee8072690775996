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
}
