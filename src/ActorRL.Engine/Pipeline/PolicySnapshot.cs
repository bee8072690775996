namespace ActorRL.Engine.Pipeline;

/// <summary>
/// Policy weights as plain arrays: immutable once built, safe to share between actors on different threads
/// (TorchSharp tensors are not: the optimizer mutates the learner's in place, and their lifetime is tied to
/// dispose scopes). Each generator copies a snapshot into its own model between decoding steps.
/// </summary>
public sealed class PolicySnapshot
{
    public PolicySnapshot(long version, IReadOnlyList<NamedArray> tensors)
    {
        Version = version;
        Tensors = tensors;
    }

    public long Version { get; }
    public IReadOnlyList<NamedArray> Tensors { get; }

    public long ByteCount => Tensors.Sum(t => (long)t.Data.Length * sizeof(float));
}

/// <summary>One tensor: name, shape and float32 data in row-major order. Never mutated after construction.</summary>
public sealed record NamedArray(string Name, long[] Shape, float[] Data);
