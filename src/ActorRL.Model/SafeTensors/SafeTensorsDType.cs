using static TorchSharp.torch;

namespace ActorRL.Model.SafeTensors;

/// <summary>The safetensors dtype codes and their TorchSharp scalar types.</summary>
public static class SafeTensorsDType
{
    private static readonly Dictionary<string, ScalarType> ByCode = new(StringComparer.Ordinal)
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte,
        ["BOOL"] = ScalarType.Bool,
    };

    private static readonly Dictionary<ScalarType, string> ByType = ByCode.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static IReadOnlyCollection<string> Supported => ByCode.Keys;

    public static bool TryParse(string code, out ScalarType type) => ByCode.TryGetValue(code, out type);

    public static string Code(ScalarType type) =>
        ByType.TryGetValue(type, out var code)
            ? code
            : throw new ArgumentException($"tensors of type {type} cannot be stored in safetensors here (supported: {string.Join(", ", ByCode.Keys)})");

    public static int Size(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new ArgumentException($"no safetensors element size for {type}"),
    };
}
