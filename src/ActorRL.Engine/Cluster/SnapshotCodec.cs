using System.Runtime.InteropServices;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Serialization;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// A policy snapshot as bytes: full, or a delta holding only the tensors that differ from a base version the
/// receiver already has. Float data is copied as raw little-endian memory, so a decoded snapshot is bit-exact.
/// Integrity is checked by the caller (per-chunk CRC-32 and a whole-snapshot hash, see <see cref="WeightChunker"/>).
/// </summary>
public static class SnapshotCodec
{
    private const uint Magic = 0x574C5241; // "ARLW"

    /// <summary>Encodes <paramref name="snapshot"/>; with a baseline, only tensors whose shape or bits differ from it.</summary>
    public static byte[] Encode(PolicySnapshot snapshot, PolicySnapshot? baseline = null)
    {
        var previous = baseline?.Tensors.ToDictionary(t => t.Name);
        var tensors = previous is null ? snapshot.Tensors : snapshot.Tensors.Where(t => !Unchanged(t, previous)).ToList();
        // Exact size up front: the buffer is returned as it is, without a final copy (weights are large).
        var size = 4 + 8 + 8 + 4 + tensors.Sum(t => 4L + System.Text.Encoding.UTF8.GetByteCount(t.Name) + 4 + 8L * t.Shape.Length + 4 + 4L * t.Data.Length);
        if (size > Array.MaxLength) throw new InvalidOperationException($"a snapshot of {size} bytes exceeds one transfer's limit ({Array.MaxLength} bytes)");
        var w = new WireWriter((int)size);
        w.WriteUInt32(Magic);
        w.WriteInt64(snapshot.Version);
        w.WriteInt64(baseline?.Version ?? WeightChunk.Full);
        w.WriteInt32(tensors.Count);
        foreach (var t in tensors)
        {
            w.WriteString(t.Name);
            w.WriteLongs(t.Shape);
            w.WriteFloats(t.Data);
        }
        return w.ToArray();
    }

    private static bool Unchanged(NamedArray tensor, Dictionary<string, NamedArray> previous) =>
        previous.TryGetValue(tensor.Name, out var old)
        && (ReferenceEquals(old.Data, tensor.Data)
            || (old.Shape.AsSpan().SequenceEqual(tensor.Shape) && MemoryMarshal.AsBytes(old.Data.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(tensor.Data.AsSpan()))));

    /// <summary>Base version of an encoded snapshot (<see cref="WeightChunk.Full"/> for a full one).</summary>
    public static long BaseVersionOf(ReadOnlySpan<byte> encoded)
    {
        var r = WireReader.Over(encoded);
        ReadHeader(ref r, out _, out var baseVersion);
        return baseVersion;
    }

    /// <summary>
    /// Decodes a full snapshot, or applies a delta to <paramref name="baseline"/> (which must be the delta's base
    /// version). Throws <see cref="WireFormatException"/> on malformed bytes or a delta that does not fit.
    /// </summary>
    public static PolicySnapshot Decode(ReadOnlySpan<byte> encoded, PolicySnapshot? baseline = null)
    {
        var r = WireReader.Over(encoded);
        ReadHeader(ref r, out var version, out var baseVersion);
        var count = r.ReadCount(12);
        var tensors = new List<NamedArray>(count);
        for (var i = 0; i < count; i++)
        {
            var name = r.ReadString();
            var shape = r.ReadLongs();
            var data = r.ReadFloats();
            // Checked: a shape such as [2^32, 2^32] would wrap to 0 elements and pass for an empty tensor.
            long elements = 1;
            foreach (var d in shape)
                elements = d < 0 || elements < 0 ? -1 : elements == 0 || d <= long.MaxValue / elements ? elements * d : -1;
            if (elements != data.Length) throw new WireFormatException($"tensor {name}: shape [{string.Join(", ", shape)}] does not hold {data.Length} values");
            tensors.Add(new NamedArray(name, shape, data));
        }
        r.EnsureEnd();
        if (baseVersion == WeightChunk.Full) return new PolicySnapshot(version, tensors);
        if (baseline is null || baseline.Version != baseVersion)
            throw new WireFormatException($"a delta from version {baseVersion} cannot apply to {(baseline is null ? "no weights" : $"version {baseline.Version}")}");
        var changed = tensors.ToDictionary(t => t.Name);
        var merged = baseline.Tensors.Select(t => changed.Remove(t.Name, out var updated) ? updated : t).ToList();
        if (changed.Count > 0) throw new WireFormatException($"the delta names tensors the base version lacks: {string.Join(", ", changed.Keys)}");
        return new PolicySnapshot(version, merged);
    }

    private static void ReadHeader(ref WireReader r, out long version, out long baseVersion)
    {
        var magic = r.ReadUInt32();
        if (magic != Magic) throw new WireFormatException($"not an encoded snapshot (magic {magic:x8})");
        version = r.ReadInt64();
        baseVersion = r.ReadInt64();
    }
}
