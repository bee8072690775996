using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace ActorRL.Model.Qwen2;

/// <summary>
/// The sizes of a Qwen2-family model, as Hugging Face's <c>config.json</c> names them (Qwen2, Qwen2.5,
/// Qwen2.5-Math, Qwen2.5-Coder and the DeepSeek-R1 Qwen distills all use this architecture).
/// </summary>
/// <param name="VocabularySize">vocab_size: rows of the embedding and output layer (often more than the tokenizer's ids).</param>
/// <param name="HiddenSize">hidden_size: width of the residual stream.</param>
/// <param name="IntermediateSize">intermediate_size: hidden width of the SwiGLU MLP.</param>
/// <param name="Layers">num_hidden_layers.</param>
/// <param name="Heads">num_attention_heads: query heads.</param>
/// <param name="KeyValueHeads">num_key_value_heads: key/value heads shared by Heads / KeyValueHeads query heads each (grouped-query attention).</param>
/// <param name="HeadDim">head_dim when the file gives it, else hidden_size / num_attention_heads.</param>
/// <param name="MaxPositionEmbeddings">max_position_embeddings: the longest context the model was trained for.</param>
/// <param name="RmsNormEps">rms_norm_eps.</param>
/// <param name="RopeTheta">rope_theta: RoPE base frequency (1e6 for Qwen2.5).</param>
/// <param name="TieWordEmbeddings">tie_word_embeddings: the output layer is the transposed token embedding (0.5B/1.5B/3B sizes).</param>
/// <param name="InitializerRange">initializer_range: std of the normal initialisation of a fresh model.</param>
/// <param name="Source">
/// The config.json this came from, kept whole so a saved model carries every field we do not interpret
/// (bos/eos ids, transformers_version, …) unchanged; null for a config built in code.
/// </param>
public sealed record Qwen2Config(
    int VocabularySize,
    int HiddenSize,
    int IntermediateSize,
    int Layers,
    int Heads,
    int KeyValueHeads,
    int HeadDim,
    int MaxPositionEmbeddings,
    double RmsNormEps,
    double RopeTheta,
    bool TieWordEmbeddings,
    double InitializerRange = 0.02,
    JsonObject? Source = null)
{
    public const string ArchitectureName = "Qwen2ForCausalLM";
    public const string ModelType = "qwen2";

    /// <summary>Query heads per key/value head.</summary>
    public int GroupSize => Heads / KeyValueHeads;

    /// <summary>A config built in code: head_dim = hidden_size / num_attention_heads.</summary>
    public static Qwen2Config Create(int vocabularySize, int hiddenSize, int intermediateSize, int layers, int heads, int keyValueHeads,
        int maxPositionEmbeddings = 4096, double rmsNormEps = 1e-6, double ropeTheta = 1_000_000, bool tieWordEmbeddings = true) =>
        new(vocabularySize, hiddenSize, intermediateSize, layers, heads, keyValueHeads, hiddenSize / Math.Max(heads, 1),
            maxPositionEmbeddings, rmsNormEps, ropeTheta, tieWordEmbeddings);

    /// <summary>Throws <see cref="ArgumentException"/> describing the first inconsistent size.</summary>
    public void Validate()
    {
        if (VocabularySize < 2) throw new ArgumentException($"vocab_size must be ≥ 2, got {VocabularySize}");
        if (HiddenSize < 2) throw new ArgumentException($"hidden_size must be ≥ 2, got {HiddenSize}");
        if (IntermediateSize < 1) throw new ArgumentException($"intermediate_size must be ≥ 1, got {IntermediateSize}");
        if (Layers < 1) throw new ArgumentException($"num_hidden_layers must be ≥ 1, got {Layers}");
        if (Heads < 1) throw new ArgumentException($"num_attention_heads must be ≥ 1, got {Heads}");
        if (KeyValueHeads < 1 || Heads % KeyValueHeads != 0)
            throw new ArgumentException($"num_key_value_heads ({KeyValueHeads}) must be ≥ 1 and divide num_attention_heads ({Heads})");
        if (HeadDim < 2 || HeadDim % 2 != 0) throw new ArgumentException($"head_dim must be even and ≥ 2 (RoPE rotates pairs), got {HeadDim}");
        if (MaxPositionEmbeddings < 2) throw new ArgumentException($"max_position_embeddings must be ≥ 2, got {MaxPositionEmbeddings}");
        if (!(RmsNormEps > 0)) throw new ArgumentException($"rms_norm_eps must be > 0, got {RmsNormEps}");
        if (!(RopeTheta > 1)) throw new ArgumentException($"rope_theta must be > 1, got {RopeTheta}");
        if (!(InitializerRange > 0)) throw new ArgumentException($"initializer_range must be > 0, got {InitializerRange}");
    }

    /// <summary>
    /// Reads a Qwen2 config.json object. Features that would change the computation and that this implementation
    /// does not have (sliding-window attention, RoPE scaling, an activation other than SiLU) are refused, never ignored.
    /// Throws <see cref="ArgumentException"/> naming the field.
    /// </summary>
    public static Qwen2Config FromJson(JsonObject json)
    {
        var hidden = Int("hidden_size");
        var heads = Int("num_attention_heads");
        var act = OptionalString("hidden_act") ?? "silu";
        if (act != "silu") throw new ArgumentException($"hidden_act is '{act}'; Qwen2 here supports only silu");
        if (Bool("use_sliding_window", false))
            throw new ArgumentException("use_sliding_window = true is not supported (sliding-window attention is not implemented); Qwen2.5 checkpoints ship with false");
        if (json["rope_scaling"] is JsonObject scaling)
            throw new ArgumentException($"rope_scaling {scaling.ToJsonString()} is not supported (only plain RoPE with rope_theta); remove it to use the model's native context");
        var config = new Qwen2Config(
            Int("vocab_size"),
            hidden,
            Int("intermediate_size"),
            Int("num_hidden_layers"),
            heads,
            json["num_key_value_heads"] is null ? heads : Int("num_key_value_heads"),
            json["head_dim"] is null ? hidden / Math.Max(heads, 1) : Int("head_dim"),
            Int("max_position_embeddings"),
            Double("rms_norm_eps", null),
            Double("rope_theta", 10000.0),
            Bool("tie_word_embeddings", false),
            Double("initializer_range", 0.02),
            json);
        config.Validate();
        return config;

        int Int(string key) =>
            json[key] is JsonValue v && v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i)
                ? i
                : throw new ArgumentException(json[key] is null ? $"{key} is missing" : $"{key} must be an integer, got {json[key]!.ToJsonString()}");

        double Double(string key, double? fallback) =>
            json[key] is null && fallback is { } f ? f
            : json[key] is JsonValue v && v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble()
            : throw new ArgumentException(json[key] is null ? $"{key} is missing" : $"{key} must be a number, got {json[key]!.ToJsonString()}");

        bool Bool(string key, bool fallback) =>
            json[key] is null ? fallback
            : json[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b
            : throw new ArgumentException($"{key} must be true or false, got {json[key]!.ToJsonString()}");

        string? OptionalString(string key) =>
            json[key] is null ? null
            : json[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw new ArgumentException($"{key} must be a string, got {json[key]!.ToJsonString()}");
    }

    /// <summary>
    /// config.json for this model stored in <paramref name="dtype"/>: the source file's fields with the sizes and
    /// torch_dtype written over them, or a complete Qwen2 config when there is no source.
    /// </summary>
    public JsonObject ToJson(ScalarType dtype)
    {
        var json = Source?.DeepClone().AsObject() ?? new JsonObject();
        json["architectures"] = new JsonArray(ArchitectureName);
        json["model_type"] = ModelType;
        json["vocab_size"] = VocabularySize;
        json["hidden_size"] = HiddenSize;
        json["intermediate_size"] = IntermediateSize;
        json["num_hidden_layers"] = Layers;
        json["num_attention_heads"] = Heads;
        json["num_key_value_heads"] = KeyValueHeads;
        if (json["head_dim"] is not null || HeadDim != HiddenSize / Heads) json["head_dim"] = HeadDim;
        json["max_position_embeddings"] = MaxPositionEmbeddings;
        json["rms_norm_eps"] = RmsNormEps;
        json["rope_theta"] = RopeTheta;
        json["tie_word_embeddings"] = TieWordEmbeddings;
        json["initializer_range"] = InitializerRange;
        json["hidden_act"] = "silu";
        json["use_sliding_window"] = false;
        json["attention_dropout"] ??= 0.0;
        json["torch_dtype"] = TorchDTypeName(dtype);
        return json;
    }

    /// <summary>The torch_dtype string of config.json ("bfloat16", "float16", "float32", "float64").</summary>
    public static string TorchDTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        _ => throw new ArgumentException($"a Qwen2 model is stored as bfloat16, float16, float32 or float64, not {dtype}"),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Qwen2(vocab {VocabularySize}, hidden {HiddenSize}, mlp {IntermediateSize}, layers {Layers}, heads {Heads}/{KeyValueHeads} kv, head_dim {HeadDim}, rope_theta {RopeTheta}, tied {TieWordEmbeddings})");
}
