using static TorchSharp.torch;

namespace ActorRL.Model.Policies;

/// <summary>
/// Where an attention layer keeps the keys and values of earlier positions. <see cref="KvCache"/> is the dense
/// [B, H, capacity, Dh] cache of one static batch; <c>Batching.RowCacheView</c> reads and writes the row cache of
/// a continuous batch, whose sequences come and go.
/// </summary>
public interface IKeyValueCache
{
    /// <summary>Positions already cached before this forward pass (0: the pass is a prefill and may use plain causal attention).</summary>
    long Length { get; }

    /// <summary>
    /// Stores the new keys/values [B, H, T, Dh] of <paramref name="layer"/> and returns every key/value each query may
    /// attend to, [B, H, S, Dh], in the order the attention mask's last dimension counts them.
    /// </summary>
    (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values);

    /// <summary>Commits <paramref name="positions"/> new positions once every layer has appended.</summary>
    void Advance(long positions);

    /// <summary>
    /// Attention of <paramref name="q"/> over the keys and values <see cref="Append"/> returned (see
    /// <see cref="Layers.Attention.Compute"/>). A cache whose rows hold sequences of very different lengths computes it
    /// in parts, each over only as many keys as its rows have, instead of padding every row to the longest.
    /// </summary>
    Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor? mask, int groups) => Layers.Attention.Compute(q, k, v, mask, groups);
}

/// <summary>The shape of a model's per-layer keys and values.</summary>
public sealed record KvLayout(int Layers, long Heads, long HeadDim);
