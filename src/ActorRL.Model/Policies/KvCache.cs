using static TorchSharp.torch;

namespace ActorRL.Model.Policies;

/// <summary>
/// Keys and values of every layer for a batch of sequences being decoded, preallocated to the final length so a
/// decode step writes one slot instead of concatenating (which would copy the whole cache every token).
/// Buffers are [B, H, capacity, head-dim]; positions [0, <see cref="Length"/>) are filled. The cache owns its
/// tensors (outside any DisposeScope) and frees them on <see cref="Dispose"/>.
/// </summary>
public sealed class KvCache : IKeyValueCache, IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    public KvCache(int layers, long batchSize, long heads, long capacity, long headDim, ScalarType dtype, Device device)
    {
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (var i = 0; i < layers; i++)
        {
            _keys[i] = zeros([batchSize, heads, capacity, headDim], dtype, device).DetachFromDisposeScope();
            _values[i] = zeros([batchSize, heads, capacity, headDim], dtype, device).DetachFromDisposeScope();
        }
        Capacity = capacity;
        BatchSize = batchSize;
    }

    public long Length { get; private set; }
    public long Capacity { get; }
    public long BatchSize { get; private set; }

    /// <summary>
    /// Writes the new keys/values [B, H, T, Dh] of <paramref name="layer"/> after the filled positions and returns views
    /// of all keys/values so far, [B, H, Length + T, Dh]. <see cref="Advance"/> commits the length once every layer appended.
    /// </summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var t = keys.shape[2];
        if (Length + t > Capacity)
            throw new InvalidOperationException($"KV cache overflow: {Length} + {t} positions exceed its capacity {Capacity}");
        _keys[layer].narrow(2, Length, t).copy_(keys);
        _values[layer].narrow(2, Length, t).copy_(values);
        return (_keys[layer].narrow(2, 0, Length + t), _values[layer].narrow(2, 0, Length + t));
    }

    public void Advance(long positions) => Length += positions;

    /// <summary>Keeps only the rows in <paramref name="rows"/> (int64 indices), e.g. to drop finished sequences.</summary>
    public void SelectRows(Tensor rows) => Replace(t => t.index_select(0, rows));

    /// <summary>Repeats each row <paramref name="times"/> times in place (a prompt's cache shared by its group).</summary>
    public void RepeatRows(int times) => Replace(t => t.repeat_interleave(times, 0));

    private void Replace(Func<Tensor, Tensor> transform)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            var k = transform(_keys[i]).DetachFromDisposeScope();
            var v = transform(_values[i]).DetachFromDisposeScope();
            _keys[i].Dispose();
            _values[i].Dispose();
            _keys[i] = k;
            _values[i] = v;
        }
        BatchSize = _keys[0].shape[0];
    }

    public void Dispose()
    {
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
