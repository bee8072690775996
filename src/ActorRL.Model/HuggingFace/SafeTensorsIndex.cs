using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorRL.Model.HuggingFace;

/// <summary>
/// <c>model.safetensors.index.json</c>, which says which shard holds each tensor of a sharded checkpoint:
/// <c>{"metadata": {"total_size": BYTES}, "weight_map": {"tensor name": "model-00001-of-00002.safetensors", …}}</c>.
/// </summary>
public static class SafeTensorsIndex
{
    public const string FileName = "model.safetensors.index.json";

    /// <summary>Tensor name → shard file name (a plain name inside the folder).</summary>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new HuggingFaceFolderException(path, $"not valid JSON ({e.Message})");
        }
        if (root?["weight_map"] is not JsonObject map)
            throw new HuggingFaceFolderException(path, "has no \"weight_map\" object (tensor name → shard file)");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in map)
        {
            var file = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            // A shard is a file next to the index; anything with a directory part could point outside the folder.
            if (string.IsNullOrEmpty(file) || file != Path.GetFileName(file))
                throw new HuggingFaceFolderException(path, $"weight_map entry '{name}' must name a shard file in the same folder, got {value?.ToJsonString() ?? "null"}");
            result[name] = file;
        }
        if (result.Count == 0) throw new HuggingFaceFolderException(path, "weight_map is empty");
        return result;
    }

    public static void Write(string path, IReadOnlyDictionary<string, string> weightMap, long totalBytes)
    {
        var map = new JsonObject();
        foreach (var (name, file) in weightMap.OrderBy(kv => kv.Key, StringComparer.Ordinal)) map[name] = file;
        var root = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = totalBytes },
            ["weight_map"] = map,
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
