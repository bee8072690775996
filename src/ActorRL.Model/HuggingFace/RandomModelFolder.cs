using System.Text.Json.Nodes;
using ActorRL.Model.Decoder;
using static TorchSharp.torch;

namespace ActorRL.Model.HuggingFace;

/// <summary>
/// The sizes of a randomly initialised model for <see cref="RandomModelFolder.Write"/>; the vocabulary is the
/// tokenizer's. <paramref name="HeadDim"/> null = hidden / heads (Qwen3 folders state it either way).
/// <paramref name="RopeTheta"/> defaults to Qwen's 1e6; a tiny model trained from scratch on short sequences learns
/// positions faster with the classic 1e4 (more of its few rotary frequencies turn within a few tokens).
/// </summary>
public sealed record RandomModelSpec(
    DecoderFamily Family,
    int HiddenSize = 64,
    int Layers = 2,
    int Heads = 4,
    int KeyValueHeads = 2,
    int? HeadDim = null,
    int IntermediateSize = 192,
    int MaxPositionEmbeddings = 4096,
    bool TieWordEmbeddings = true,
    long Seed = 0,
    ScalarType DType = ScalarType.Float32,
    double RopeTheta = 1_000_000);

/// <summary>
/// Writes a Hugging Face folder holding a freshly initialised model (transformers' _init_weights: normal(0,
/// initializer_range) matrices, zero biases, unit norm gains) for a given tokenizer: config.json, model.safetensors
/// and the tokenizer files. This is how tests and the CPU sample get a real-architecture Qwen model without
/// downloading weights; the result loads like any checkpoint (<c>actorrl train</c> with architecture = qwen3, …).
/// </summary>
public static class RandomModelFolder
{
    /// <summary>Writes the folder (which must not exist or be empty) and returns its config.</summary>
    /// <param name="tokenizerDirectory">A folder holding tokenizer.json (and usually tokenizer_config.json with the chat template).</param>
    public static DecoderConfig Write(RandomModelSpec spec, string tokenizerDirectory, string directory)
    {
        var tokenizer = HuggingFaceLoader.LoadTokenizer(tokenizerDirectory);
        var ids = new JsonObject { ["eos_token_id"] = tokenizer.EosId, ["pad_token_id"] = tokenizer.PadId };
        if (tokenizer.BosId is { } bos) ids["bos_token_id"] = bos;
        var config = DecoderConfig.Create(spec.Family, tokenizer.VocabularySize, spec.HiddenSize, spec.IntermediateSize, spec.Layers, spec.Heads,
            spec.KeyValueHeads, spec.HeadDim, spec.MaxPositionEmbeddings, ropeTheta: spec.RopeTheta, tieWordEmbeddings: spec.TieWordEmbeddings) with { Source = ids };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"the requested sizes do not make a valid model: {e.Message}", e);
        }
        using var model = new DecoderForCausalLM(config, config.MaxPositionEmbeddings, CPU, spec.DType, spec.Seed);
        HuggingFaceWriter.Save(model, directory, new HuggingFaceSaveOptions(CompanionSource: tokenizerDirectory));
        return config;
    }
}
