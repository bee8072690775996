using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorRL.Engine.Serialization;

/// <summary>A payload that is truncated, corrupt or otherwise not what its manifest promises.</summary>
public sealed class WireFormatException(string message) : Exception(message);

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote. Every read is bounds-checked and every count is checked against
/// the bytes that remain before anything is allocated, so a corrupt length can neither read past the end nor
/// make the node allocate gigabytes; invalid UTF-8 is an error, not a silent replacement character.
/// </summary>
internal ref struct WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    private WireReader(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Checks the CRC-32 trailer of a frame and returns a reader over its body.</summary>
    public static WireReader OpenFrame(ReadOnlySpan<byte> frame)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the ActorRL wire format needs a little-endian platform");
        if (frame.Length < 4) throw new WireFormatException($"{frame.Length} bytes is too short for a frame (at least the 4-byte checksum)");
        var body = frame[..^4];
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(frame[^4..]);
        var actual = System.IO.Hashing.Crc32.HashToUInt32(body);
        if (expected != actual)
            throw new WireFormatException($"checksum mismatch (frame of {frame.Length} bytes says {expected:x8}, content is {actual:x8}): truncated or corrupt");
        return new WireReader(body);
    }

    /// <summary>A reader over bytes that carry no trailer (the checksum was verified elsewhere).</summary>
    public static WireReader Over(ReadOnlySpan<byte> data) => new(data);

    public int Remaining => _data.Length - _position;

    private ReadOnlySpan<byte> Take(int bytes)
    {
        if (bytes < 0 || bytes > Remaining)
            throw new WireFormatException($"needs {bytes} bytes at offset {_position}, only {Remaining} remain: truncated or corrupt");
        var span = _data.Slice(_position, bytes);
        _position += bytes;
        return span;
    }

    public byte ReadByte() => Take(1)[0];

    public bool ReadBool() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw new WireFormatException($"invalid boolean byte {b} at offset {_position - 1}"),
    };

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>A count of items, each at least <paramref name="minBytesEach"/> bytes: checked against what remains.</summary>
    public int ReadCount(int minBytesEach)
    {
        var count = ReadInt32();
        if (count < 0 || (long)count * Math.Max(1, minBytesEach) > Remaining)
            throw new WireFormatException($"count {count} at offset {_position - 4} does not fit the {Remaining} remaining bytes: truncated or corrupt");
        return count;
    }

    public string? ReadNullableString()
    {
        var bytes = ReadInt32();
        if (bytes == -1) return null;
        _position -= 4;
        return ReadString();
    }

    public string ReadString()
    {
        var bytes = ReadInt32();
        var span = Take(bytes);
        try
        {
            return StrictUtf8.GetString(span);
        }
        catch (DecoderFallbackException)
        {
            throw new WireFormatException($"invalid UTF-8 in a string of {bytes} bytes ending at offset {_position}");
        }
    }

    public ReadOnlySpan<byte> ReadBytes() => Take(ReadInt32());

    public float[] ReadFloats() => MemoryMarshal.Cast<byte, float>(ReadAligned(sizeof(float))).ToArray();
    public int[] ReadInts() => MemoryMarshal.Cast<byte, int>(ReadAligned(sizeof(int))).ToArray();
    public long[] ReadLongs() => MemoryMarshal.Cast<byte, long>(ReadAligned(sizeof(long))).ToArray();

    private ReadOnlySpan<byte> ReadAligned(int size)
    {
        var bytes = ReadBytes();
        if (bytes.Length % size != 0)
            throw new WireFormatException($"an array of {size}-byte values has {bytes.Length} bytes, not a multiple of {size}");
        return bytes;
    }

    /// <summary>Trailing bytes mean the payload is not what the manifest says.</summary>
    public void EnsureEnd()
    {
        if (Remaining != 0) throw new WireFormatException($"{Remaining} unexpected bytes after the message");
    }
}
