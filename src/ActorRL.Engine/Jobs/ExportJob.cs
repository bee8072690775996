using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;
using ActorRL.Model.Checkpoints;
using ActorRL.Model.Decoder;
using ActorRL.Model.HuggingFace;
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
    public static async Task<ExportReport> RunAsync(ActorRLSettings settings, int? step, string outDirectory, ScalarType? dtype = null)
    {
        var model = settings.Model;
        if (model.Family is not { } family)
            throw new ExportRefusedException(
                $"the run trains architecture = {model.Architecture}, which has no Hugging Face counterpart; export writes qwen2, qwen3 and llama runs");
        var (checkpoint, directory) = await RunPolicy.FindAsync(settings.Persistence, settings.Run.Directory, step);
        var config = HuggingFaceLoader.ReadConfig(ModelFolder.Open(model.ModelPath!), family);
        var decoder = new DecoderForCausalLM(config, Math.Min(model.MaxSequenceLength, config.MaxPositionEmbeddings), CPU, model.DType);
        using var policy = HuggingFaceLoader.WithTokenizer(decoder, HuggingFaceLoader.LoadTokenizer(model.ModelPath!), model.ModelPath!);
        Checkpoint.Load(directory, policy);
        HuggingFaceWriter.Save(decoder, outDirectory, new HuggingFaceSaveOptions(DType: dtype ?? model.DType, CompanionSource: model.ModelPath));
        return new ExportReport(checkpoint.Step, policy.Version, Path.GetFullPath(outDirectory), config);
    }
}

/// <summary>An export that cannot be done as asked; the message says why in one line.</summary>
public sealed class ExportRefusedException(string message) : Exception(message);
