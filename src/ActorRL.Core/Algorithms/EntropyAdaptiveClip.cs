using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// Entropy-adaptive clip range for SSPO (arXiv 2511.04256). The paper's exact formula was not available; this
/// is ActorRL's rule following its stated intent (wider range for high-entropy spans, to explore; tighter for
/// low-entropy ones): scale_u = clamp(H_u / H̄, min-scale, max-scale), where H_u is the mean token entropy of the
/// ratio's unit and H̄ the mean over every response token of the batch. Entropies carry no gradient here.
/// </summary>
public static class EntropyAdaptiveClip
{
    /// <summary>[B,T] scale for each token's bounds: ε_low·scale and ε_high·scale.</summary>
    /// <param name="entropies">[B,T] token entropies of the current policy (detached here).</param>
    /// <param name="updateMean">H̄ of the whole update when this batch is one of its micro-batches; null: this batch's.</param>
    public static Tensor Scale(Tensor entropies, Tensor mask, RatioUnits units, double minScale, double maxScale, double? updateMean = null)
    {
        var h = entropies.detach().masked_fill(mask.logical_not(), 0);
        var batchMean = updateMean is { } given
            ? tensor(given, dtype: h.dtype, device: h.device)
            : h.sum() / mask.sum().to_type(h.dtype);
        var scale = (units.UnitMean(h) / batchMean).clamp(minScale, maxScale);
        // A batch with zero entropy everywhere carries no information about where to explore: keep the range.
        return where(batchMean > 0, scale, ones_like(scale));
    }
}
