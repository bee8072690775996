using ActorRL.Core.Configuration;
using ActorRL.Model.Decoder;
using ActorRL.Model.TinyGpt;
using static TorchSharp.torch;

namespace ActorRL.Model.Settings;

public enum TokenizerKind
{
    /// <summary>One token per character of an alphabet (built-in tasks).</summary>
    Char,
    /// <summary>A Hugging Face tokenizer.json with a byte-level BPE model.</summary>
    Bpe,
}

/// <summary>
/// <c>actorrl.model</c>: the policy's architecture, sizes and tokenizer. The vocabulary size is not a key: it is
/// the tokenizer's. For a pretrained architecture (qwen2, qwen3, llama) sizes, tokenizer and chat template come from
/// the Hugging Face folder at <see cref="ModelPath"/>; only <see cref="MaxSequenceLength"/>, <see cref="DType"/> and
/// the chat keys apply from here.
/// </summary>
/// <param name="EnableThinking">
/// Qwen3's enable_thinking: false ends the generation prompt with the template's empty think block
/// ("&lt;think&gt;\n\n&lt;/think&gt;\n\n"), so the model answers without reasoning first; true or null leave it open.
/// </param>
public sealed record ModelSettings(
    string Architecture,
    int DModel,
    int Layers,
    int Heads,
    int MaxSequenceLength,
    bool TieEmbeddings,
    int MlpRatio,
    NormKind Norm,
    double NormEpsilon,
    double RopeTheta,
    double InitStd,
    ScalarType DType,
    TokenizerKind Tokenizer,
    string? Alphabet,
    string? TokenizerPath,
    string? ModelPath = null,
    bool UseChatTemplate = true,
    string? SystemPrompt = null,
    bool? EnableThinking = null,
    LoraSettings? Lora = null)
{
    public static readonly string[] Architectures = ["tiny-gpt", "qwen2", "qwen3", "llama"];

    /// <summary>The Hugging Face decoder family of a pretrained architecture; null for tiny-gpt.</summary>
    public DecoderFamily? Family => FamilyOf(Architecture);

    public bool IsPretrained => Family is not null;

    /// <summary>The family whose config.json model_type is <paramref name="architecture"/> (one spelling for both), or null.</summary>
    public static DecoderFamily? FamilyOf(string architecture) =>
        Enum.GetValues<DecoderFamily>().Cast<DecoderFamily?>().FirstOrDefault(f => DecoderConfig.ModelTypeOf(f!.Value) == architecture);

    public static ModelSettings FromConfig(SettingsReader r)
    {
        var architecture = r.GetEnum("architecture", Architectures);
        var modelPath = r.GetStringOrNull("path");
        if (FamilyOf(architecture) is not null && string.IsNullOrWhiteSpace(modelPath))
            throw r.Fail("path", $"must name a local Hugging Face model folder (config.json, *.safetensors, tokenizer.json) when architecture = {architecture}");
        var dModel = r.GetInt("d-model", 2, 65536);
        var heads = r.GetInt("n-heads", 1, 1024);
        if (dModel % heads != 0 || (dModel / heads) % 2 != 0)
            throw r.Fail(r.IsOverridden("n-heads") && !r.IsOverridden("d-model") ? "n-heads" : "d-model",
                $"must divide d-model into n-heads heads of an even head size (RoPE rotates pairs): d-model = {dModel}, n-heads = {heads}");
        var dtype = r.GetEnum("dtype", "float32", "float64", "bfloat16", "float16") switch
        {
            "float64" => ScalarType.Float64,
            "bfloat16" => ScalarType.BFloat16,
            "float16" => ScalarType.Float16,
            _ => ScalarType.Float32,
        };
        var tokenizer = r.Section("tokenizer");
        var kind = tokenizer.GetEnum("type", "char", "bpe") == "bpe" ? TokenizerKind.Bpe : TokenizerKind.Char;
        var path = tokenizer.GetStringOrNull("path");
        if (kind == TokenizerKind.Bpe && string.IsNullOrWhiteSpace(path))
            throw tokenizer.Fail("type", "= bpe needs actorrl.model.tokenizer.path (a tokenizer.json file), which is not set");
        var alphabet = tokenizer.GetStringOrNull("alphabet");
        if (alphabet is "") throw tokenizer.Fail("alphabet", "must not be empty (use null to take the task's alphabet)");
        return new ModelSettings(
            architecture,
            dModel,
            r.GetInt("n-layers", 1, 1024),
            heads,
            r.GetInt("max-seq-len", 2, 1 << 20),
            r.GetBool("tie-embeddings"),
            r.GetInt("mlp-ratio", 1, 64),
            r.GetEnum("norm", "layernorm", "rmsnorm") == "rmsnorm" ? NormKind.RmsNorm : NormKind.LayerNorm,
            r.GetDouble("norm-eps", double.Epsilon, 1),
            r.GetDouble("rope-theta", 1.0 + 1e-9),
            r.GetDouble("init-std", double.Epsilon, 10),
            dtype,
            kind,
            alphabet,
            path,
            modelPath,
            r.GetBool("chat-template"),
            r.GetStringOrNull("system-prompt"),
            r.GetBoolOrNull("enable-thinking"),
            LoraSettings.FromConfig(r.Section("lora"), architecture, FamilyOf(architecture) is not null));
    }

    public TinyGptConfig TinyGpt(int vocabularySize) =>
        new(vocabularySize, DModel, Layers, Heads, MaxSequenceLength, TieEmbeddings, MlpRatio, Norm, NormEpsilon, RopeTheta, InitStd);
}
