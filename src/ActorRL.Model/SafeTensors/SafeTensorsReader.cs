using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace ActorRL.Model.SafeTensors;

/// <summary>Where one tensor lies in a safetensors data buffer.</summary>
public sealed record SafeTensorInfo(string Name, ScalarType DType, long[] Shape, long Begin, long End);

/// <summary>
/// Reads a safetensors file (see <see cref="SafeTensorsWriter"/> for the layout). The whole header is validated on
/// open — JSON syntax, dtype codes, shapes, offsets inside the data, sizes that match dtype × shape, no overlaps or
/// holes, a file long enough for its header's claims — so a corrupted or truncated file fails at once with a
/// <see cref="SafeTensorsFormatException"/> that says what is wrong, before any tensor is built.
/// </summary>
public sealed class SafeTensorsReader : IDisposable
{
    /// <summary>The format's own cap on header size (guards against reading garbage as a huge length).</summary>
    private const long MaxHeaderBytes = 100_000_000;

    private readonly Stream _stream;
    private readonly long _dataStart;

    private SafeTensorsReader(Stream stream, string origin)
    {
        _stream = stream;
        Origin = origin;
        try
        {
            (_dataStart, Tensors, Metadata) = ParseHeader(stream, origin);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public string Origin { get; }
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafeTensorsReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        return new SafeTensorsReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20), path);
    }

    public static SafeTensorsReader FromBytes(byte[] bytes, string origin = "<bytes>") =>
        new(new MemoryStream(bytes, writable: false), origin);

    /// <summary>Reads every tensor (CPU, stored dtype) into the caller's dispose scope.</summary>
    public static (Dictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) ReadAll(string path)
    {
        using var reader = Open(path);
        return (reader.Tensors.Keys.ToDictionary(n => n, n => reader.Read(n), StringComparer.Ordinal), reader.Metadata);
    }

    /// <summary>Builds tensor <paramref name="name"/> on <paramref name="device"/> (CPU when null) in the stored dtype.</summary>
    public Tensor Read(string name, Device? device = null)
    {
        if (!Tensors.TryGetValue(name, out var info))
            throw new KeyNotFoundException($"{Origin}: no tensor named '{name}'");
        var tensor = empty(info.Shape, info.DType);
        var bytes = tensor.bytes;
        _stream.Position = _dataStart + info.Begin;
        _stream.ReadExactly(bytes);
        return device is null || device.type == TorchSharp.DeviceType.CPU ? tensor : tensor.to(device);
    }

    private static (long DataStart, IReadOnlyDictionary<string, SafeTensorInfo>, IReadOnlyDictionary<string, string>) ParseHeader(Stream stream, string origin)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O assumes a little-endian machine");
        var fileLength = stream.Length;
        if (fileLength < 8) throw Bad($"the file is {fileLength} bytes, too short for the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes) throw Bad($"the header length field says {headerLength} bytes (more than the format's limit of {MaxHeaderBytes})");
        if ((long)headerLength > fileLength - 8) throw Bad($"truncated: the header length field says {headerLength} bytes but only {fileLength - 8} follow");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataStart = 8 + (long)headerLength;
        var dataLength = fileLength - dataStart;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Bad($"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Bad("the header is not a JSON object");
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == SafeTensorsWriter.MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw Bad("__metadata__ is not an object");
                    foreach (var entry in property.Value.EnumerateObject())
                    {
                        if (entry.Value.ValueKind != JsonValueKind.String) throw Bad($"__metadata__ value '{entry.Name}' is not a string");
                        metadata[entry.Name] = entry.Value.GetString()!;
                    }
                    continue;
                }
                tensors[property.Name] = ParseEntry(property);
            }

            // The data buffer must be covered exactly: no overlaps, no holes, nothing past the end of the file.
            long expected = 0;
            foreach (var info in tensors.Values.OrderBy(t => t.Begin).ThenBy(t => t.End))
            {
                if (info.Begin != expected)
                    throw Bad(info.Begin < expected
                        ? $"tensor '{info.Name}' overlaps the previous tensor's data (starts at {info.Begin}, previous ends at {expected})"
                        : $"there is a gap in the data before tensor '{info.Name}' (starts at {info.Begin}, previous ends at {expected})");
                expected = info.End;
            }
            if (expected > dataLength) throw Bad($"truncated: the header describes {expected} bytes of tensor data but the file holds {dataLength}");
            if (expected < dataLength) throw Bad($"{dataLength - expected} bytes of data after the last tensor are not described by the header");
            return (dataStart, tensors, metadata);
        }

        SafeTensorInfo ParseEntry(JsonProperty property)
        {
            var name = property.Name;
            var value = property.Value;
            if (value.ValueKind != JsonValueKind.Object) throw Bad($"entry '{name}' is not an object");
            if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
                throw Bad($"tensor '{name}' has no dtype string");
            var code = dtypeElement.GetString()!;
            if (!SafeTensorsDType.TryParse(code, out var dtype))
                throw Bad($"tensor '{name}' has dtype '{code}'; supported: {string.Join(", ", SafeTensorsDType.Supported)}");
            var shape = LongArray(value, "shape", name);
            if (shape.Any(d => d < 0)) throw Bad($"tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}]");
            var offsets = LongArray(value, "data_offsets", name);
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                throw Bad($"tensor '{name}' has data_offsets [{string.Join(", ", offsets)}]; expected [begin, end] with 0 ≤ begin ≤ end");
            long elements = 1;
            foreach (var d in shape) elements = checked(elements * d);
            var bytes = elements * SafeTensorsDType.Size(dtype);
            if (offsets[1] - offsets[0] != bytes)
                throw Bad($"tensor '{name}' ({code} [{string.Join(", ", shape)}]) needs {bytes} bytes but its data_offsets span {offsets[1] - offsets[0]}");
            return new SafeTensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        }

        long[] LongArray(JsonElement value, string key, string name)
        {
            if (!value.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
                throw Bad($"tensor '{name}' has no {key} array");
            return array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v)
                ? v
                : throw Bad($"tensor '{name}' has a non-integer in {key}")).ToArray();
        }

        SafeTensorsFormatException Bad(string problem) => new(origin, problem);
    }

    public void Dispose() => _stream.Dispose();
}
