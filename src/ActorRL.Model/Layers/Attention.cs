using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.Layers;

/// <summary>Scaled dot-product attention with grouped key/value heads, as every model here computes it.</summary>
public static class Attention
{
    /// <param name="q">[B, H, T, Dh] queries.</param>
    /// <param name="k">[B, H / groups, S, Dh] keys (values likewise).</param>
    /// <param name="mask">Boolean [B, 1, T, S], or null for plain causal attention (queries and keys coincide).</param>
    /// <param name="groups">Query heads per key/value head (grouped-query attention), ≥ 1.</param>
    public static Tensor Compute(Tensor q, Tensor k, Tensor v, Tensor? mask, int groups)
    {
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, 1);
            v = v.repeat_interleave(groups, 1);
        }
        // libtorch's is_causal mask is top-left aligned, so it is only right when queries and keys coincide.
        return F.scaled_dot_product_attention(q, k, v, mask, 0.0, is_casual: mask is null);
    }

    /// <summary>
    /// One query per row (a decode step) over keys of grouped heads, without repeating keys or values per query head:
    /// the g query heads of a key/value head attend as g query rows of it. Reads the keys and values in place
    /// (strided views are fine), so a part of a batch costs its keys and a handful of calls.
    /// </summary>
    /// <param name="q">[n, H, 1, Dh]</param>
    /// <param name="k">[n, Hkv, S, Dh] (values likewise).</param>
    /// <param name="additiveMask">Float [n, 1, 1, S]: 0 where a key may be attended to, −∞ where not.</param>
    public static Tensor DecodeStep(Tensor q, Tensor k, Tensor v, Tensor additiveMask)
    {
        var (n, heads, d) = (q.shape[0], q.shape[1], q.shape[3]);
        var kvHeads = k.shape[1];
        // One fused call, not six: a decode step is a few small matrices, so what it costs is calls, not arithmetic.
        var queries = q.reshape(n, kvHeads, heads / kvHeads, d);
        return F.scaled_dot_product_attention(queries, k, v, additiveMask).reshape(n, heads, 1, d);
    }
}
