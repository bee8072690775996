using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorRL.Engine.Serialization;

/// <summary>
/// Appends little-endian primitives, length-prefixed UTF-8 strings and raw arrays to a growing buffer; the
/// finished frame ends with the CRC-32 of everything before it (see <see cref="WireReader"/>).
/// </summary>
internal sealed class WireWriter
{
    private byte[] _buffer;
    private int _length;

    public WireWriter(int capacity = 256) => _buffer = new byte[Math.Max(0, capacity)];

    private Span<byte> Take(int bytes)
    {
        if (_length + bytes > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(Math.Max(_length + bytes, 16), _buffer.Length * 2));
        var span = _buffer.AsSpan(_length, bytes);
        _length += bytes;
        return span;
    }

    public void WriteByte(byte value) => Take(1)[0] = value;
    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);
    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);
    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

    /// <summary>UTF-8 with an int32 byte count; −1 stands for null.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }
        var bytes = Encoding.UTF8.GetByteCount(value);
        WriteInt32(bytes);
        Encoding.UTF8.GetBytes(value, Take(bytes));
    }

    /// <summary>Raw bytes with an int32 count.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteInt32(bytes.Length);
        bytes.CopyTo(Take(bytes.Length));
    }

    // Arrays of primitives are copied as memory: the wire is little-endian, as is every platform .NET runs
    // ActorRL on (checked once in WireReader's static constructor).
    public void WriteFloats(ReadOnlySpan<float> values) => WriteBytes(MemoryMarshal.AsBytes(values));
    public void WriteInts(ReadOnlySpan<int> values) => WriteBytes(MemoryMarshal.AsBytes(values));
    public void WriteLongs(ReadOnlySpan<long> values) => WriteBytes(MemoryMarshal.AsBytes(values));

    /// <summary>The written bytes followed by their CRC-32.</summary>
    public byte[] ToFrame()
    {
        var crc = System.IO.Hashing.Crc32.HashToUInt32(_buffer.AsSpan(0, _length));
        WriteUInt32(crc);
        return _length == _buffer.Length ? _buffer : _buffer.AsSpan(0, _length).ToArray();
    }

    /// <summary>The written bytes as they are (no trailer); the buffer itself when it is exactly full.</summary>
    public byte[] ToArray() => _length == _buffer.Length ? _buffer : _buffer.AsSpan(0, _length).ToArray();
}
