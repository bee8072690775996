using System.Diagnostics;
using System.IO.Hashing;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// One transfer being reassembled on a receiver. Chunks of one sender reach one receiver in order (Akka's
/// per-pair ordering guarantee), so a gap in the indices means a chunk was lost: the assembly fails at once
/// instead of waiting for the time-out. Nothing is trusted: header fields must agree with the first chunk,
/// every chunk's CRC-32 must match, and the whole must hash to the sender's XxHash3.
///
/// The header's size is a claim, not an allocation: a transfer claiming more than max-snapshot-bytes is refused
/// outright, and the buffer grows (doubling) with the bytes that actually arrive, so a ~100-byte first chunk
/// claiming 2 GB costs what it carries.
/// </summary>
public sealed class WeightAssembly
{
    private byte[] _buffer;
    private readonly long _chunkSize;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _next;

    private WeightAssembly(WeightChunk first)
    {
        Version = first.Version;
        BaseVersion = first.BaseVersion;
        Count = first.Count;
        TotalBytes = first.TotalBytes;
        Hash = first.SnapshotHash;
        _chunkSize = WeightChunker.ChunkSize(first.TotalBytes, first.Count);
        _buffer = [];
    }

    public long Version { get; }
    public long BaseVersion { get; }
    public int Count { get; }
    public long TotalBytes { get; }
    public ulong Hash { get; }
    public bool IsComplete => _next == Count;
    public TimeSpan Elapsed => _clock.Elapsed;
    private TimeSpan _lastChunkAt;

    /// <summary>
    /// Starts a transfer at its first chunk, refusing one that claims more than <paramref name="maxBytes"/>; a problem
    /// is returned as text (and nothing is allocated).
    /// </summary>
    public static WeightAssembly Start(WeightChunk first, long maxBytes, out string? problem)
    {
        problem = first.Index != 0 ? $"joined transfer of version {first.Version} at chunk {first.Index} of {first.Count}"
            : first.TotalBytes > maxBytes ? $"transfer of version {first.Version} claims {first.TotalBytes} bytes, over max-snapshot-bytes = {maxBytes}"
            : first.Count < 1 || first.TotalBytes < 0 || first.Count > first.TotalBytes + 1
                ? $"chunk header of version {first.Version} is inconsistent ({first.Count} chunks, {first.TotalBytes} bytes)"
                : null;
        if (problem is not null) return null!;
        var assembly = new WeightAssembly(first);
        problem = assembly.Add(first);
        return assembly;
    }

    /// <summary>Adds the next chunk; returns why it cannot be used, or null.</summary>
    public string? Add(WeightChunk chunk)
    {
        if (chunk.Version != Version || chunk.BaseVersion != BaseVersion || chunk.Count != Count || chunk.TotalBytes != TotalBytes || chunk.SnapshotHash != Hash)
            return $"chunk {chunk.Index} of version {chunk.Version} disagrees with the transfer's header";
        if (chunk.Index != _next) return $"chunk {_next} of {Count} of version {Version} is missing (chunk {chunk.Index} came next)";
        var offset = chunk.Index * _chunkSize;
        var expected = Math.Min(_chunkSize, TotalBytes - offset);
        if (chunk.Data.Length != expected) return $"chunk {chunk.Index} of version {Version} has {chunk.Data.Length} bytes, expected {expected}";
        if (Crc32.HashToUInt32(chunk.Data.Span) != chunk.Checksum) return $"chunk {chunk.Index} of version {Version} fails its checksum";
        var end = offset + chunk.Data.Length;
        if (end > _buffer.LongLength) Array.Resize(ref _buffer, (int)Math.Min(TotalBytes, Math.Max(end, 2L * _buffer.LongLength)));
        chunk.Data.Span.CopyTo(_buffer.AsSpan((int)offset));
        _next++;
        _lastChunkAt = _clock.Elapsed;
        return null;
    }

    /// <summary>Time since the last chunk arrived (the receiver's time-out counts from there).</summary>
    public TimeSpan IdleFor => _clock.Elapsed - _lastChunkAt;

    /// <summary>The reassembled bytes, once complete and matching the sender's hash; else null with the problem.</summary>
    public byte[]? Finish(out string? problem)
    {
        problem = !IsComplete ? $"transfer of version {Version} is incomplete"
            : XxHash3.HashToUInt64(_buffer) != Hash ? $"version {Version} reassembled to the wrong hash"
            : null;
        return problem is null ? _buffer : null;
    }
}
