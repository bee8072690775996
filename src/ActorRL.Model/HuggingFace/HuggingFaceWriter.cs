using System.Globalization;
using System.Text.Json;
using ActorRL.Core.IO;
using ActorRL.Model.Decoder;
using ActorRL.Model.SafeTensors;
using static TorchSharp.torch;

namespace ActorRL.Model.HuggingFace;

/// <summary>How <see cref="HuggingFaceWriter.Save"/> lays a model out.</summary>
/// <param name="DType">Storage dtype of the weights; null = the model's own.</param>
/// <param name="MaxShardBytes">
/// A checkpoint larger than this is split into model-0000i-of-0000n.safetensors files with an index
/// (transformers' save_pretrained default is 5 GB: one file for 0.5B–1.5B models in bf16, shards above).
/// </param>
/// <param name="CompanionSource">Folder whose tokenizer and generation files are copied alongside (usually the folder the model was loaded from).</param>
/// <param name="Overwrite">Replace an existing non-empty folder (otherwise that is an error).</param>
public sealed record HuggingFaceSaveOptions(
    ScalarType? DType = null,
    long MaxShardBytes = HuggingFaceSaveOptions.DefaultMaxShardBytes,
    string? CompanionSource = null,
    bool Overwrite = false)
{
    public const long DefaultMaxShardBytes = 5_000_000_000;
}

/// <summary>
/// Saves a <see cref="DecoderForCausalLM"/> (Qwen2, Qwen3 or Llama) as a Hugging Face folder that transformers, vLLM and SGLang open
/// directly: config.json, safetensors weights under Hugging Face's names (metadata format = pt, which transformers
/// requires), sharded with model.safetensors.index.json when large, and the tokenizer files copied over.
/// The folder is written under a temporary name, flushed (files and directory) and renamed into place with
/// <see cref="DurableFile.MoveDirectory"/>, so a crash never leaves a half-written model under the final name.
/// </summary>
public static class HuggingFaceWriter
{
    private static readonly Dictionary<string, string> ShardMetadata = new(StringComparer.Ordinal) { ["format"] = "pt" };

    public static void Save(DecoderForCausalLM model, string directory, HuggingFaceSaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new HuggingFaceSaveOptions();
        if (options.MaxShardBytes < 1) throw new ArgumentException($"max shard size must be ≥ 1 byte, got {options.MaxShardBytes}", nameof(options));
        var dtype = options.DType ?? model.DType;
        var target = Path.GetFullPath(directory);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !options.Overwrite)
            throw new HuggingFaceFolderException(target, "already exists and is not empty; choose another folder or allow overwriting");

        var staging = $"{target}.partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllText(Path.Combine(staging, ModelFolder.ConfigFile),
                model.Config.ToJson(dtype).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            WriteWeights(model, staging, dtype, options.MaxShardBytes);
            if (options.CompanionSource is { } source) CopyCompanions(Path.GetFullPath(source), staging);
            // The weights are flushed as they are written; config, index and copied companions are not yet.
            foreach (var file in Directory.EnumerateFiles(staging)) DurableFile.FlushFile(file);
            MoveIntoPlace(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    private static void WriteWeights(DecoderForCausalLM model, string directory, ScalarType dtype, long maxShardBytes)
    {
        var elementSize = SafeTensorsDType.Size(dtype);
        var parameters = model.NamedParameters();
        // Shards fill in parameter order (embedding first, then layer by layer), as save_pretrained does.
        var shards = new List<List<(string Name, long Bytes)>> { new() };
        long shardBytes = 0, totalBytes = 0;
        foreach (var (name, parameter) in parameters)
        {
            var bytes = parameter.NumberOfElements * elementSize;
            if (shardBytes > 0 && shardBytes + bytes > maxShardBytes)
            {
                shards.Add([]);
                shardBytes = 0;
            }
            shards[^1].Add((name, bytes));
            shardBytes += bytes;
            totalBytes += bytes;
        }

        var byName = parameters.ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < shards.Count; i++)
        {
            var file = shards.Count == 1
                ? ModelFolder.SingleWeightsFile
                : string.Create(CultureInfo.InvariantCulture, $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors");
            using var scope = NewDisposeScope();
            var tensors = shards[i].ToDictionary(s => s.Name, s => byName[s.Name].detach().to(dtype).cpu(), StringComparer.Ordinal);
            SafeTensorsWriter.Write(Path.Combine(directory, file), tensors, ShardMetadata);
            foreach (var (name, _) in shards[i]) weightMap[name] = file;
        }
        if (shards.Count > 1) SafeTensorsIndex.Write(Path.Combine(directory, SafeTensorsIndex.FileName), weightMap, totalBytes);
    }

    private static void CopyCompanions(string source, string destination)
    {
        if (!Directory.Exists(source)) throw new HuggingFaceFolderException(source, "tokenizer source folder not found");
        foreach (var file in ModelFolder.CompanionFiles)
        {
            var from = Path.Combine(source, file);
            if (File.Exists(from)) File.Copy(from, Path.Combine(destination, file));
        }
    }

    /// <summary>Renames the finished folder to its final name; an old folder there is replaced only after the new one is complete.</summary>
    private static void MoveIntoPlace(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            DurableFile.CreateDirectory(Path.GetDirectoryName(target)!);
            DurableFile.MoveDirectory(staging, target);
            return;
        }
        var previous = $"{target}.previous-{Guid.NewGuid():N}";
        DurableFile.MoveDirectory(target, previous);
        DurableFile.MoveDirectory(staging, target);
        Directory.Delete(previous, recursive: true);
    }
}
