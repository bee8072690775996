using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace ActorRL.Model.SafeTensors;

/// <summary>
/// Writes tensors in the safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
/// header length, a UTF-8 JSON header mapping each name to {dtype, shape, data_offsets} plus optional
/// string-to-string "__metadata__", padded with spaces to a multiple of 8 bytes, then the raw little-endian
/// row-major data of every tensor back to back, in header order (names sorted ordinally).
/// </summary>
public static class SafeTensorsWriter
{
    public const string MetadataKey = "__metadata__";

    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Write(stream, tensors, metadata);
        stream.Flush(flushToDisk: true);
    }

    public static byte[] ToBytes(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O assumes a little-endian machine");
        var names = tensors.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (names.Contains(MetadataKey)) throw new ArgumentException($"a tensor may not be named {MetadataKey}");

        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var name in names)
            {
                var tensor = tensors[name];
                var bytes = tensor.NumberOfElements * SafeTensorsDType.Size(tensor.dtype);
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorsDType.Code(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var d in tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned (what the reference implementation does).
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var name in names)
        {
            using var scope = NewDisposeScope();
            var data = tensors[name].detach().cpu().contiguous();
            stream.Write(data.bytes);
        }
    }
}
