using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;
using ActorRL.Model.Checkpoints;
using ActorRL.Model.Decoder;
using ActorRL.Model;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Lora;
using static TorchSharp.torch;

namespace ActorRL.Engine.Jobs;

/// <summary>What <see cref="ExportJob.RunAsync"/> wrote.</summary>
public sealed record ExportReport(int Step, long Version, string Directory, DecoderConfig Config);

/// <summary>
/// A run's policy as a Hugging Face folder that transformers, vLLM and <c>actorrl model score</c> open: the ledger's
/// newest committed checkpoint (or the one of a given step), verified before it is read (<see cref="RunPolicy"/>),
/// written with the source model's config.json fields, Hugging Face tensor names and its tokenizer files.
/// </summary>
public static class ExportJob
{
    /// <exception cref="ExportRefusedException">The run is not of a Hugging Face architecture.</exception>
    /// <exception cref="PolicyUnavailableException">No such committed checkpoint, or it does not match its commit.</exception>
    public static async Task<ExportReport> RunAsync(ActorRLSettings settings, int? step, string outDirectory, ScalarType? dtype = null,
        AdapterExport? adapters = null)
    {
        var model = settings.Model;
        if (model.Family is not { } family)
            throw new ExportRefusedException(
                $"the run trains architecture = {model.Architecture}, which has no Hugging Face counterpart; export writes qwen2, qwen3 and llama runs");
        if (model.Lora is null && adapters is not null)
            throw new ExportRefusedException("--merge and --adapters apply to runs that train LoRA adapters (actorrl.model.lora.rank); this run trains every weight");
        if (model.Lora is not null && adapters is null)
            throw new ExportRefusedException(
                "the run trains LoRA adapters: pass --merge (base + adapters merged into one Hugging Face folder) or --adapters (a PEFT adapter folder)");
        var (checkpoint, directory) = await RunPolicy.FindAsync(settings.Persistence, settings.Run.Directory, step);
        if (adapters is { } kind) return ExportAdapters(settings, checkpoint.Step, directory, outDirectory, dtype, kind);
        var config = HuggingFaceLoader.ReadConfig(ModelFolder.Open(model.ModelPath!), family);
        var decoder = new DecoderForCausalLM(config, Math.Min(model.MaxSequenceLength, config.MaxPositionEmbeddings), CPU, model.DType);
        using var policy = HuggingFaceLoader.WithTokenizer(decoder, HuggingFaceLoader.LoadTokenizer(model.ModelPath!), model.ModelPath!);
        Checkpoint.Load(directory, policy);
        HuggingFaceWriter.Save(decoder, outDirectory, new HuggingFaceSaveOptions(DType: dtype ?? model.DType, CompanionSource: model.ModelPath));
        return new ExportReport(checkpoint.Step, policy.Version, Path.GetFullPath(outDirectory), config);
    }

    /// <summary>A LoRA run: the base folder with the checkpoint's adapters, merged into one Hugging Face folder or written as PEFT's.</summary>
    private static ExportReport ExportAdapters(ActorRLSettings settings, int step, string checkpointDirectory, string outDirectory, ScalarType? dtype, AdapterExport kind)
    {
        var model = settings.Model;
        using var policy = PolicyFactory.Create(model, PolicyFactory.CreateTokenizer(model), seed: 0, CPU);
        RunPolicy.LoadVerified(checkpointDirectory, policy);
        var lora = (LoraModel)policy.Model;
        if (kind == AdapterExport.Merge)
        {
            lora.MergeIntoBase();
            HuggingFaceWriter.Save(lora.Base, outDirectory, new HuggingFaceSaveOptions(DType: dtype ?? model.DType, CompanionSource: model.ModelPath));
        }
        else
        {
            PeftAdapterFolder.Write(lora.Adapters, model.ModelPath!, outDirectory, dtype ?? model.DType);
        }
        return new ExportReport(step, policy.Version, Path.GetFullPath(outDirectory), lora.Base.Config);
    }
}

/// <summary>How a LoRA run is exported: merged into the base weights, or as a PEFT adapter folder.</summary>
public enum AdapterExport { Merge, Adapters }

/// <summary>An export that cannot be done as asked; the message says why in one line.</summary>
public sealed class ExportRefusedException(string message) : Exception(message);
