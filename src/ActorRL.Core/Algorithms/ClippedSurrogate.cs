using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// PPO's clipped surrogate (Schulman et al., arXiv 1707.06347) as a per-token loss, with dual clip
/// (Ye et al., arXiv 1912.09729). Shapes: every argument [B,T] (or broadcastable to it).
/// </summary>
public static class ClippedSurrogate
{
    /// <summary>
    /// ℓ = −min(ρ·A, clip(ρ, low, high)·A) = max(−ρ·A, −clip(ρ)·A). When the clipped branch is the min it is a
    /// constant, so no gradient flows — exactly PPO's pessimistic bound. <paramref name="low"/> and
    /// <paramref name="high"/> are the ratio bounds 1−ε_low and 1+ε_high (constants).
    /// </summary>
    public static Tensor Loss(Tensor ratio, Tensor advantage, Tensor low, Tensor high)
    {
        var unclipped = -advantage * ratio;
        var clipped = -advantage * ratio.clamp(low, high);
        return maximum(unclipped, clipped);
    }

    /// <summary>
    /// Dual clip: for negative advantages only, ℓ = min(ℓ, −A·c) (c &gt; 1), so a huge ratio on a bad token
    /// cannot produce an unbounded loss.
    /// </summary>
    public static Tensor DualClip(Tensor loss, Tensor advantage, double c) =>
        where(advantage < 0, minimum(loss, -advantage * c), loss);

    /// <summary>Tokens whose ratio sits above the upper bound with A &gt; 0 (clipped branch active, no gradient).</summary>
    public static Tensor ClippedHigh(Tensor ratio, Tensor advantage, Tensor high) => (advantage > 0).logical_and(ratio > high);

    /// <summary>Tokens whose ratio sits below the lower bound with A &lt; 0 (clipped branch active, no gradient).</summary>
    public static Tensor ClippedLow(Tensor ratio, Tensor advantage, Tensor low) => (advantage < 0).logical_and(ratio < low);

    /// <summary>Tokens where the dual clip caps the loss (A &lt; 0 and ρ &gt; c).</summary>
    public static Tensor DualClipped(Tensor ratio, Tensor advantage, double c) => (advantage < 0).logical_and(ratio > c);
}
