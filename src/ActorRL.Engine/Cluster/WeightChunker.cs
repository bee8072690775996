using System.IO.Hashing;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// Cuts an encoded snapshot into chunks of at most <c>chunkBytes</c> (all equal but the last, so a receiver can
/// place chunk i at i · ⌈total / count⌉ without any offset on the wire), each with its CRC-32, and all with the
/// XxHash3 of the whole.
/// </summary>
public static class WeightChunker
{
    public static IReadOnlyList<WeightChunk> Split(byte[] encoded, long version, long baseVersion, int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        var count = Math.Max(1, (int)((encoded.LongLength + chunkBytes - 1) / chunkBytes));
        var size = ChunkSize(encoded.LongLength, count);
        var hash = XxHash3.HashToUInt64(encoded);
        var chunks = new WeightChunk[count];
        for (var i = 0; i < count; i++)
        {
            var offset = (int)(i * size);
            var data = new ReadOnlyMemory<byte>(encoded, offset, (int)Math.Min(size, encoded.LongLength - offset));
            chunks[i] = new WeightChunk(version, baseVersion, i, count, encoded.LongLength, hash, Crc32.HashToUInt32(data.Span), data);
        }
        return chunks;
    }

    /// <summary>Size of every chunk but the last.</summary>
    public static long ChunkSize(long totalBytes, int count) => Math.Max(1, (totalBytes + count - 1) / count);
}
