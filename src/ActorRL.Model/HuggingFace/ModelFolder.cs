using System.Text.Json;
using System.Text.Json.Nodes;
using ActorRL.Model.SafeTensors;

namespace ActorRL.Model.HuggingFace;

/// <summary>
/// A local Hugging Face model folder as found on disk: its parsed <c>config.json</c>, the architecture it names,
/// and where each weight tensor lives — the single <c>model.safetensors</c>, or the shards listed by
/// <c>model.safetensors.index.json</c>. Opening checks the layout only; no tensor data is read.
/// </summary>
public sealed class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string SingleWeightsFile = "model.safetensors";
    public const string TokenizerFile = "tokenizer.json";
    public const string TokenizerConfigFile = "tokenizer_config.json";

    /// <summary>Files that describe tokenization and generation; a saved model carries them over unchanged.</summary>
    public static readonly IReadOnlyList<string> CompanionFiles =
    [
        TokenizerFile, TokenizerConfigFile, "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt",
        "generation_config.json", ChatMlTemplate.JinjaFile,
    ];

    private ModelFolder(string directory, JsonObject config, string architecture, IReadOnlyDictionary<string, string> weightFiles)
    {
        Directory = directory;
        Config = config;
        Architecture = architecture;
        WeightFiles = weightFiles;
    }

    /// <summary>Full path of the folder.</summary>
    public string Directory { get; }

    /// <summary>config.json as parsed (treat as read-only).</summary>
    public JsonObject Config { get; }

    /// <summary>The first (in practice only) entry of config.json's "architectures", e.g. Qwen2ForCausalLM.</summary>
    public string Architecture { get; }

    /// <summary>Tensor name → full path of the safetensors file that holds it.</summary>
    public IReadOnlyDictionary<string, string> WeightFiles { get; }

    public string PathOf(string file) => Path.Combine(Directory, file);

    public static ModelFolder Open(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full)) throw new HuggingFaceFolderException(full, "model folder not found");
        var config = ReadConfig(full);
        var architecture = ReadArchitecture(full, config);
        return new ModelFolder(full, config, architecture, FindWeights(full));
    }

    private static JsonObject ReadConfig(string directory)
    {
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new HuggingFaceFolderException(directory, $"no {ConfigFile}; a Hugging Face model folder needs one");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new HuggingFaceFolderException(path, "is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new HuggingFaceFolderException(path, $"not valid JSON ({e.Message})");
        }
    }

    private static string ReadArchitecture(string directory, JsonObject config)
    {
        var path = Path.Combine(directory, ConfigFile);
        if (config["architectures"] is not JsonArray { Count: > 0 } architectures)
            throw new HuggingFaceFolderException(path, "has no \"architectures\" list, so the model class is unknown");
        if (architectures.Count > 1)
            throw new HuggingFaceFolderException(path, $"names several architectures {architectures.ToJsonString()}; expected one");
        return architectures[0] is JsonValue v && v.TryGetValue<string>(out var name) && name.Length > 0
            ? name
            : throw new HuggingFaceFolderException(path, $"\"architectures\" holds {architectures[0]?.ToJsonString() ?? "null"}, not a class name");
    }

    private static Dictionary<string, string> FindWeights(string directory)
    {
        var indexPath = Path.Combine(directory, SafeTensorsIndex.FileName);
        var weights = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(indexPath))
        {
            foreach (var (name, file) in SafeTensorsIndex.Read(indexPath))
            {
                var shard = Path.Combine(directory, file);
                if (!File.Exists(shard))
                    throw new HuggingFaceFolderException(indexPath, $"lists shard '{file}' (for tensor '{name}'), which is not in the folder");
                weights[name] = shard;
            }
            return weights;
        }
        var single = Path.Combine(directory, SingleWeightsFile);
        if (File.Exists(single))
        {
            using var reader = OpenWeights(single);
            foreach (var name in reader.Tensors.Keys) weights[name] = single;
            return weights;
        }
        var legacy = new[] { "pytorch_model.bin", "pytorch_model.bin.index.json" }.FirstOrDefault(f => File.Exists(Path.Combine(directory, f)));
        throw new HuggingFaceFolderException(directory, legacy is null
            ? $"no weights: expected {SingleWeightsFile} or {SafeTensorsIndex.FileName} with its shards"
            : $"holds PyTorch pickle weights ({legacy}), which are not read here; convert the model to safetensors (e.g. save_pretrained(..., safe_serialization=True))");
    }

    /// <summary>A weight file's header; a file that is not valid safetensors (or holds a dtype with no name here) is a folder error naming it.</summary>
    internal static SafeTensorsReader OpenWeights(string file)
    {
        try
        {
            return SafeTensorsReader.Open(file);
        }
        catch (SafeTensorsFormatException e)
        {
            throw new HuggingFaceFolderException(file, $"not a valid safetensors file: {e.Problem}");
        }
    }
}
