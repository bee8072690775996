using static TorchSharp.torch;

namespace ActorRL.Model.Policies.Batching;

/// <summary>
/// Keys and values of every layer as a pool of token slots, [slots, H, Dh] per layer: each sequence of a continuous
/// batch owns the slots of its own positions, in any order (pages of one token, so no slot is lost to fragmentation),
/// and the G responses of a prompt share the prompt's slots. The pool grows by doubling as sequences need slots,
/// never past <see cref="MaxSlots"/>; slot 0 is never handed out — padding reads and writes it.
/// </summary>
internal sealed class KvTokenPool : IDisposable
{
    private readonly KvLayout _layout;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private readonly Stack<int> _free = new();
    private Tensor[] _keys;
    private Tensor[] _values;

    public KvTokenPool(KvLayout layout, ScalarType dtype, Device device, int maxSlots, int initialSlots = 256)
    {
        _layout = layout;
        _dtype = dtype;
        _device = device;
        MaxSlots = maxSlots;
        _keys = new Tensor[layout.Layers];
        _values = new Tensor[layout.Layers];
        Allocated = 0;
        Grow(Math.Clamp(initialSlots, 2, maxSlots + 1));
    }

    /// <summary>Token slots the pool may ever hold (the KV budget).</summary>
    public int MaxSlots { get; }

    /// <summary>Slots allocated on the device now (including the padding slot).</summary>
    public int Allocated { get; private set; }

    /// <summary>Slots held by sequences now.</summary>
    public int InUse { get; private set; }

    public int TakeSlot()
    {
        if (_free.Count == 0)
        {
            if (Allocated - 1 >= MaxSlots)
                throw new InvalidOperationException($"the KV pool is full ({MaxSlots} token slots): admission reserved more than the budget");
            Grow(Math.Min(Allocated * 2, MaxSlots + 1));
        }
        InUse++;
        return _free.Pop();
    }

    public void Release(IEnumerable<int> slots)
    {
        foreach (var slot in slots)
        {
            _free.Push(slot);
            InUse--;
        }
    }

    /// <summary>Writes <paramref name="rows"/> [N, H, Dh] of <paramref name="layer"/> into <paramref name="slots"/> (int64 [N], distinct).</summary>
    public void Write(int layer, Tensor slots, Tensor keyRows, Tensor valueRows)
    {
        _keys[layer].index_copy_(0, slots, keyRows);
        _values[layer].index_copy_(0, slots, valueRows);
    }

    /// <summary>The keys and values at <paramref name="slots"/> (int64 [B, S]) as [B, H, S, Dh].</summary>
    public (Tensor Keys, Tensor Values) Read(int layer, Tensor slots)
    {
        var (b, s) = (slots.shape[0], slots.shape[1]);
        var flat = slots.reshape(-1);
        var keys = _keys[layer].index_select(0, flat).view(b, s, _layout.Heads, _layout.HeadDim).transpose(1, 2);
        var values = _values[layer].index_select(0, flat).view(b, s, _layout.Heads, _layout.HeadDim).transpose(1, 2);
        return (keys, values);
    }

    private void Grow(int slots)
    {
        using var scope = NewDisposeScope();
        for (var i = 0; i < _layout.Layers; i++)
        {
            var keys = zeros([slots, _layout.Heads, _layout.HeadDim], _dtype, _device);
            var values = zeros([slots, _layout.Heads, _layout.HeadDim], _dtype, _device);
            if (Allocated > 0)
            {
                keys.narrow(0, 0, Allocated).copy_(_keys[i]);
                values.narrow(0, 0, Allocated).copy_(_values[i]);
                _keys[i].Dispose();
                _values[i].Dispose();
            }
            _keys[i] = keys.DetachFromDisposeScope();
            _values[i] = values.DetachFromDisposeScope();
        }
        // Hand out low slots first (slot 0 is padding's).
        for (var slot = slots - 1; slot >= Math.Max(1, Allocated); slot--) _free.Push(slot);
        Allocated = slots;
    }

    public void Dispose()
    {
        foreach (var t in _keys) t?.Dispose();
        foreach (var t in _values) t?.Dispose();
    }
}
