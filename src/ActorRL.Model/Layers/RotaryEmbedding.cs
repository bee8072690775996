using static TorchSharp.torch;

namespace ActorRL.Model.Layers;

/// <summary>
/// Rotary position embedding (Su et al. 2021, "RoFormer"), in the rotate-half layout Llama/Qwen use: dimension i
/// pairs with i + d/2 and rotates by angle pos · theta^(-2i/d). Position ids come from the caller, so left-padded
/// rows start at 0 after their padding and give the same result as the unpadded sequence.
/// </summary>
public static class RotaryEmbedding
{
    /// <summary>cos and sin tables [maxLen, headDim] (the angle of pair i repeated in both halves).</summary>
    public static (Tensor Cos, Tensor Sin) Tables(int maxLen, int headDim, double theta)
    {
        using var scope = NewDisposeScope();
        var inverseFrequency = pow(theta, -arange(0, headDim, 2, ScalarType.Float64) / headDim);
        var angles = outer(arange(maxLen, ScalarType.Float64), inverseFrequency);
        var full = cat([angles, angles], -1);
        return (full.cos().MoveToOuterDisposeScope(), full.sin().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The sin table with its first half negated, for <see cref="ApplySigned"/>: rotate_half(x) · sin equals
    /// cat(x₂, x₁) · signed-sin, which saves the negation at every call (decoding is bound by per-op overhead).
    /// </summary>
    public static Tensor SignedSin(Tensor sin)
    {
        var half = sin.shape[^1] / 2;
        return cat([-sin.narrow(-1, 0, half), sin.narrow(-1, half, half)], -1);
    }

    /// <summary>
    /// Same result as <see cref="Apply"/> with <paramref name="signedSin"/> from <see cref="SignedSin"/>; <paramref name="x"/>
    /// may stack queries and keys ([2, B, H, T, Dh]) so both rotate in one pass.
    /// </summary>
    public static Tensor ApplySigned(Tensor x, Tensor cos, Tensor signedSin)
    {
        var half = x.shape[^1] / 2;
        var swapped = cat([x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
        return x * cos + swapped * signedSin;
    }

    /// <summary>Rotates <paramref name="x"/> [B, H, T, Dh] by the angles <paramref name="cos"/>/<paramref name="sin"/> [B, 1, T, Dh].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat([-x2, x1], -1);
        return x * cos + rotated * sin;
    }
}
