using static TorchSharp.torch;

namespace ActorRL.Model.Policies;

/// <summary>
/// A versioned snapshot of a policy's weights as named tensors. The tensors are copies owned by this object
/// (outside any DisposeScope) — never a policy's live parameters, which an optimizer mutates — so a snapshot
/// can be handed to a generator, serialised, or written to a checkpoint while the learner keeps training.
/// </summary>
public sealed class PolicyWeights : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;
    private bool _disposed;

    /// <summary>Takes ownership of <paramref name="tensors"/> (detaching them from any DisposeScope).</summary>
    public PolicyWeights(long version, IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Version = version;
        _tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors) _tensors[name] = tensor.DetachFromDisposeScope();
    }

    /// <summary>Learner version that produced these weights (0 = initial weights).</summary>
    public long Version { get; }

    public IReadOnlyDictionary<string, Tensor> Tensors
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _tensors;
        }
    }

    /// <summary>Total payload in bytes (what a weight sync moves).</summary>
    public long ByteCount => Tensors.Values.Sum(t => t.NumberOfElements * t.ElementSize);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }
}
