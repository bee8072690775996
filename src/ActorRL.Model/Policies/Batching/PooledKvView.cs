using static TorchSharp.torch;

namespace ActorRL.Model.Policies.Batching;

/// <summary>
/// One forward pass's window on a <see cref="KvTokenPool"/>: the new positions' keys and values go to their slots,
/// and each row reads the slots of its whole context (cached positions, then the new ones), padded with slot 0.
/// </summary>
/// <param name="writeFrom">int64 [N]: which of the B·T new positions (row-major) are real and get stored.</param>
/// <param name="writeTo">int64 [N]: their slots, distinct.</param>
/// <param name="readSlots">int64 [B, S]: each row's context slots; null = the pass has no cached context (a prefill),
/// so the new keys and values are attended to directly.</param>
internal sealed class PooledKvView(KvTokenPool pool, Tensor writeFrom, Tensor writeTo, Tensor? readSlots) : IKeyValueCache
{
    public long Length => readSlots is null ? 0 : 1;

    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var (b, h, t, d) = (keys.shape[0], keys.shape[1], keys.shape[2], keys.shape[3]);
        var flatKeys = keys.transpose(1, 2).reshape(b * t, h, d).index_select(0, writeFrom);
        var flatValues = values.transpose(1, 2).reshape(b * t, h, d).index_select(0, writeFrom);
        pool.Write(layer, writeTo, flatKeys, flatValues);
        return readSlots is null ? (keys, values) : pool.Read(layer, readSlots);
    }

    public void Advance(long positions) { }
}
