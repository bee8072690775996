using System.Globalization;
using System.Security.Cryptography;
using ActorRL.Core.IO;
using ActorRL.Model.Lora;
using ActorRL.Model.Policies;
using ActorRL.Model.SafeTensors;
using ActorRL.Model.Training;
using static TorchSharp.torch;

namespace ActorRL.Model.Checkpoints;

/// <summary>One file of a checkpoint, with what a manifest needs to verify it before loading.</summary>
public sealed record CheckpointFile(string Path, long Bytes, string Sha256);

/// <summary>
/// A checkpoint directory: <c>weights.safetensors</c> (the policy's named tensors; metadata: version and the
/// caller's entries), <c>optimizer.safetensors</c> (AdamW moments "exp_avg/NAME", "exp_avg_sq/NAME"; metadata:
/// step and hyper-parameters) and <c>rng.safetensors</c> (each named generator's state as a U8 tensor). All three
/// are plain safetensors files any tool can open. Each file is written under a temporary name, flushed to disk
/// and renamed, and the directory flushed (<see cref="DurableFile"/>), so a crash never leaves a half-written file
/// under the final name nor loses a rename.
/// </summary>
public static class Checkpoint
{
    public const string WeightsFile = "weights.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string RngFile = "rng.safetensors";
    private const string VersionKey = "actorrl.version";
    private const string StepKey = "actorrl.optimizer.step";

    /// <summary>Writes the policy's weights, the optimizer state (when given) and generator states into <paramref name="directory"/>.</summary>
    public static IReadOnlyList<CheckpointFile> Save(string directory, IPolicy policy, AdamW? optimizer = null,
        IReadOnlyDictionary<string, Generator>? generators = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        DurableFile.CreateDirectory(directory);
        var files = new List<CheckpointFile>();
        using var scope = NewDisposeScope();

        using (var weights = policy.ExportWeights())
        {
            var weightMetadata = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                [VersionKey] = weights.Version.ToString(CultureInfo.InvariantCulture),
            };
            // Adapters mean nothing without their base: record which weights they were trained on.
            if (AdaptersOf(policy) is { } lora)
                foreach (var (key, value) in lora.Fingerprint.Metadata) weightMetadata[key] = value;
            // Half-precision parameters are saved as their float32 master weights: the checkpoint is the exact
            // training state, and a resumed run goes on from it as an uninterrupted one does.
            var tensors = new Dictionary<string, Tensor>(weights.Tensors, StringComparer.Ordinal);
            foreach (var (name, master) in optimizer?.MasterWeights ?? new Dictionary<string, Tensor>()) tensors[name] = master.to(CPU, copy: true);
            files.Add(WriteAtomically(Path.Combine(directory, WeightsFile), tensors, weightMetadata));
        }

        if (optimizer is not null)
        {
            var optimizerMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [StepKey] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
                ["actorrl.optimizer"] = "adamw",
                ["actorrl.optimizer.beta1"] = optimizer.Beta1.ToString("R", CultureInfo.InvariantCulture),
                ["actorrl.optimizer.beta2"] = optimizer.Beta2.ToString("R", CultureInfo.InvariantCulture),
            };
            files.Add(WriteAtomically(Path.Combine(directory, OptimizerFile), optimizer.ExportState(), optimizerMetadata));
        }

        if (generators is { Count: > 0 })
        {
            var states = generators.ToDictionary(kv => kv.Key, kv => kv.Value.get_state(), StringComparer.Ordinal);
            files.Add(WriteAtomically(Path.Combine(directory, RngFile), states, null));
        }
        return files;
    }

    /// <summary>
    /// Restores what <see cref="Save"/> wrote into an existing policy, optimizer and generators (which must match
    /// the saved ones by name and shape). Returns the weights file's metadata (including the caller's entries).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string directory, IPolicy policy, AdamW? optimizer = null,
        IReadOnlyDictionary<string, Generator>? generators = null)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"checkpoint directory not found: {directory}");
        using var scope = NewDisposeScope();

        var weightsPath = Path.Combine(directory, WeightsFile);
        var (tensors, metadata) = SafeTensorsReader.ReadAll(weightsPath);
        if (!metadata.TryGetValue(VersionKey, out var versionText) || !long.TryParse(versionText, CultureInfo.InvariantCulture, out var version))
            throw new SafeTensorsFormatException(weightsPath, $"metadata lacks an integer '{VersionKey}'");
        using var weights = new PolicyWeights(version, tensors);
        if (AdaptersOf(policy)?.Fingerprint.Mismatch(metadata) is { } why) throw new CheckpointMismatchException($"{directory}: {why}");
        policy.LoadWeights(weights);

        if (optimizer is not null)
        {
            var optimizerPath = Path.Combine(directory, OptimizerFile);
            var (state, optimizerMetadata) = SafeTensorsReader.ReadAll(optimizerPath);
            if (!optimizerMetadata.TryGetValue(StepKey, out var stepText) || !long.TryParse(stepText, CultureInfo.InvariantCulture, out var step))
                throw new SafeTensorsFormatException(optimizerPath, $"metadata lacks an integer '{StepKey}'");
            optimizer.LoadState(state, step);
            // The weights file holds half-precision parameters' float32 masters; the parameters got them rounded.
            optimizer.RestoreMasters(weights.Tensors);
        }

        if (generators is { Count: > 0 })
        {
            var rngPath = Path.Combine(directory, RngFile);
            var (states, _) = SafeTensorsReader.ReadAll(rngPath);
            foreach (var (name, generator) in generators)
            {
                if (!states.TryGetValue(name, out var state))
                    throw new ArgumentException($"{rngPath} holds no state for generator '{name}' (has: {string.Join(", ", states.Keys)})");
                generator.set_state(state);
            }
        }
        return metadata;
    }

    private static LoraModel? AdaptersOf(IPolicy policy) => (policy as CausalLmPolicy)?.Model as LoraModel;

    private static CheckpointFile WriteAtomically(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var temporary = DurableFile.TemporaryOf(path);
        SafeTensorsWriter.Write(temporary, tensors, metadata); // flushed to disk
        DurableFile.Move(temporary, path);
        using var stream = File.OpenRead(path);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new CheckpointFile(path, stream.Length, hash);
    }
}

/// <summary>A checkpoint that is intact but belongs to another model (LoRA adapters of a different base); never loaded.</summary>
public sealed class CheckpointMismatchException(string message) : Exception(message);
