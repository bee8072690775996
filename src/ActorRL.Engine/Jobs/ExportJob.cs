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
/// newest committed checkpoint (or the one of a given step), verified against its recorded sizes and SHA-256 before
/// it is read, written with the source model's config.json fields, Hugging Face tensor names and its tokenizer files.
/// The ledger is the one truth about which weights a run produced; files that no commit names are never exported.
/// </summary>
public static class ExportJob
{
    /// <exception cref="ExportRefusedException">No such committed checkpoint, or it is corrupt, or the run is not of a Hugging Face architecture.</exception>
    public static async Task<ExportReport> RunAsync(ActorRLSettings settings, int? step, string outDirectory, ScalarType? dtype = null)
    {
        var model = settings.Model;
        if (model.Family is not { } family)
            throw new ExportRefusedException(
                $"the run trains architecture = {model.Architecture}, which has no Hugging Face counterpart; export writes qwen2, qwen3 and llama runs");
        var history = await LedgerHistory.ReadAsync(settings.Persistence, settings.Run.Directory);
        var state = history.Aggregate(LedgerState.Empty, (s, e) => s.Apply(e, int.MaxValue));
        if (state.Checkpoints.Length == 0)
            throw new ExportRefusedException($"the ledger of {settings.Run.Directory} has no committed checkpoint yet");
        var checkpoint = step is { } wanted
            ? state.Checkpoints.LastOrDefault(c => c.Step == wanted)
              ?? throw new ExportRefusedException($"the ledger has no committed checkpoint of step {wanted} (committed: {string.Join(", ", state.Checkpoints.Select(c => c.Step))})")
            : state.Checkpoints[^1];
        if (CheckpointVerifier.Problem(settings.Run.Directory, checkpoint) is { } problem)
            throw new ExportRefusedException($"the checkpoint of step {checkpoint.Step} does not match its ledger entry and is not exported: {problem}");

        var config = HuggingFaceLoader.ReadConfig(ModelFolder.Open(model.ModelPath!), family);
        var decoder = new DecoderForCausalLM(config, Math.Min(model.MaxSequenceLength, config.MaxPositionEmbeddings), CPU, model.DType);
        using var policy = HuggingFaceLoader.WithTokenizer(decoder, HuggingFaceLoader.LoadTokenizer(model.ModelPath!), model.ModelPath!);
        Checkpoint.Load(Path.Combine(settings.Run.Directory, checkpoint.Directory), policy);
        HuggingFaceWriter.Save(decoder, outDirectory, new HuggingFaceSaveOptions(DType: dtype ?? model.DType, CompanionSource: model.ModelPath));
        return new ExportReport(checkpoint.Step, policy.Version, Path.GetFullPath(outDirectory), config);
    }
}

/// <summary>An export that cannot be done as asked; the message says why in one line.</summary>
public sealed class ExportRefusedException(string message) : Exception(message);
