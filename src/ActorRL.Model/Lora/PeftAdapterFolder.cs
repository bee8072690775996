using System.Text.Json;
using System.Text.Json.Nodes;
using ActorRL.Core.IO;
using ActorRL.Model.SafeTensors;
using static TorchSharp.torch;

namespace ActorRL.Model.Lora;

/// <summary>
/// Writes adapters as a Hugging Face PEFT folder that <c>PeftModel.from_pretrained(base, DIR)</c> and vLLM's LoRA
/// loading open: adapter_config.json (peft_type LORA, r, lora_alpha, lora_dropout, target_modules, the base model's
/// path) and adapter_model.safetensors with PEFT's tensor names (base_model.model.model.layers.N.….lora_A.weight).
/// </summary>
public static class PeftAdapterFolder
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";
    public const string NamePrefix = "base_model.model.";

    public static void Write(LoraAdapters adapters, string baseModelPath, string directory, ScalarType dtype)
    {
        var target = Path.GetFullPath(directory);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new IOException($"{target} already exists and is not empty; choose another folder");
        var settings = adapters.Settings;
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = Path.GetFullPath(baseModelPath),
            ["r"] = settings.Rank,
            ["lora_alpha"] = settings.Alpha,
            ["lora_dropout"] = settings.Dropout,
            ["target_modules"] = new JsonArray(settings.Targets.Select(t => (JsonNode)t).ToArray()),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
        };
        var staging = $"{target}.partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            using (var scope = NewDisposeScope())
            {
                var tensors = adapters.NamedAdapterParameters()
                    .ToDictionary(p => NamePrefix + p.Name, p => p.Parameter.detach().to(dtype).cpu(), StringComparer.Ordinal);
                SafeTensorsWriter.Write(Path.Combine(staging, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
            }
            File.WriteAllText(Path.Combine(staging, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            foreach (var file in Directory.EnumerateFiles(staging)) DurableFile.FlushFile(file);
            if (Directory.Exists(target)) Directory.Delete(target);
            DurableFile.CreateDirectory(Path.GetDirectoryName(target)!);
            DurableFile.MoveDirectory(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }
}
