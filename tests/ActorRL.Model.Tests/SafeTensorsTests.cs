using System.Buffers.Binary;
using System.Text;
using ActorRL.Model.SafeTensors;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_supported_dtype_round_trips_bit_for_bit_with_metadata()
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(3, 5),
            ["f64"] = randn(2, 2, dtype: ScalarType.Float64),
            ["f16"] = randn(4, dtype: ScalarType.Float16),
            ["bf16"] = randn(2, 3, dtype: ScalarType.BFloat16),
            ["i64"] = tensor(new long[] { long.MinValue, -1, 0, long.MaxValue }),
            ["i32"] = tensor(new[] { -7, 7 }),
            ["u8"] = tensor(new byte[] { 0, 255, 17 }),
            ["bool"] = tensor(new[] { true, false }),
            ["scalar"] = tensor(3.5f),
            ["empty"] = zeros(0, 4),
            ["strided"] = arange(12, dtype: ScalarType.Float32).view(3, 4).t(),
        };
        var path = Path.Combine(_dir, "all.safetensors");
        SafeTensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode" });

        using var reader = SafeTensorsReader.Open(path);
        Assert.Equal("pt", reader.Metadata["format"]);
        Assert.Equal("ünïcode", reader.Metadata["note"]);
        Assert.Equal(tensors.Keys.Order(), reader.Tensors.Keys.Order());
        foreach (var (name, original) in tensors)
        {
            var read = reader.Read(name);
            Assert.Equal(original.dtype, read.dtype);
            Assert.Equal(original.shape, read.shape);
            Assert.Equal(original.contiguous().bytes.ToArray(), read.bytes.ToArray());
        }
    }

    [Fact]
    public void A_file_laid_out_by_the_format_specification_is_read()
    {
        // The example from the safetensors README: 8-byte LE length, JSON header, then raw LE data.
        const string header = """{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"foo":"bar"}}""";
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + headerBytes.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);
        for (var i = 0; i < 4; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8 + headerBytes.Length + 4 * i), 10 * (i + 1));

        using var reader = SafeTensorsReader.FromBytes(bytes);
        Assert.Equal("bar", reader.Metadata["foo"]);
        using var scope = NewDisposeScope();
        var t = reader.Read("test");
        Assert.Equal([2L, 2L], t.shape);
        Assert.Equal(new[] { 10, 20, 30, 40 }, t.data<int>().ToArray());
    }

    [Fact]
    public void Our_header_follows_the_format_length_prefix_json_and_alignment()
    {
        using var scope = NewDisposeScope();
        var bytes = SafeTensorsWriter.ToBytes(new Dictionary<string, Tensor> { ["b"] = ones(2), ["a"] = zeros(3, dtype: ScalarType.Int64) });
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength).TrimEnd(' ');
        Assert.Equal("""{"a":{"dtype":"I64","shape":[3],"data_offsets":[0,24]},"b":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}}""", header);
        Assert.Equal(8 + headerLength + 32, bytes.Length);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 8 + headerLength + 24));
    }

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "truncated-data", "truncated: the header describes 32 bytes of tensor data but the file holds 31" },
        { "truncated-header", "truncated: the header length field says" },
        { "tiny", "too short for the 8-byte header length" },
        { "bad-json", "the header is not valid JSON" },
        { "huge-length", "more than the format's limit" },
        { "overlap", "overlaps the previous tensor's data" },
        { "wrong-size", "needs 24 bytes but its data_offsets span 16" },
        { "unknown-dtype", "has dtype 'Q7'" },
        { "trailing", "bytes of data after the last tensor are not described" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Corrupted_or_truncated_files_are_rejected_with_the_reason(string corruption, string expected)
    {
        using var scope = NewDisposeScope();
        var good = SafeTensorsWriter.ToBytes(new Dictionary<string, Tensor> { ["a"] = zeros(3, dtype: ScalarType.Int64), ["b"] = ones(2) });
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(good);
        var header = Encoding.UTF8.GetString(good, 8, headerLength);
        byte[] WithHeader(string h, int dataBytes = 32)
        {
            var hb = Encoding.UTF8.GetBytes(h);
            var b = new byte[8 + hb.Length + dataBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)hb.Length);
            hb.CopyTo(b, 8);
            return b;
        }
        var bytes = corruption switch
        {
            "truncated-data" => good[..^1],
            "truncated-header" => good[..20],
            "tiny" => good[..5],
            "bad-json" => WithHeader(header.Replace("\"shape\"", "shape")),
            "huge-length" => [.. BitConverter.GetBytes(ulong.MaxValue / 2), .. good[8..]],
            "overlap" => WithHeader(header.Replace("[24,32]", "[16,24]"), 24),
            "wrong-size" => WithHeader(header.Replace("[0,24]", "[0,16]").Replace("[24,32]", "[16,24]"), 24),
            "unknown-dtype" => WithHeader(header.Replace("\"F32\"", "\"Q7\"")),
            "trailing" => [.. good, 0, 0, 0],
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };
        var path = Path.Combine(_dir, corruption + ".safetensors");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsReader.Open(path));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith(path, error.Message);
    }
}
