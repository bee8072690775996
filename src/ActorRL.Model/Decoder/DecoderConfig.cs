using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace ActorRL.Model.Decoder;

/// <summary>
/// The Hugging Face decoder families this engine runs. They share one network (<see cref="DecoderForCausalLM"/>) and
/// differ only in the switches of <see cref="DecoderConfig"/>: Qwen2 has q/k/v biases; Qwen3 has none but normalises
/// each query and key head (q_norm, k_norm) before RoPE; Llama (Llama 3.x, SmolLM) has neither.
/// </summary>
public enum DecoderFamily
{
    /// <summary>Qwen2ForCausalLM: Qwen2, Qwen2.5, Qwen2.5-Math/Coder, the DeepSeek-R1 Qwen distills.</summary>
    Qwen2,
    /// <summary>Qwen3ForCausalLM: the dense Qwen3 models (0.6B–32B); not Qwen3-MoE.</summary>
    Qwen3,
    /// <summary>LlamaForCausalLM: Llama 3.x without RoPE scaling, SmolLM/SmolLM2.</summary>
    Llama,
}

/// <summary>
/// The sizes and switches of a decoder model, as Hugging Face's <c>config.json</c> names them.
/// </summary>
/// <param name="Family">Which Hugging Face architecture this is (class name and model_type in config.json).</param>
/// <param name="VocabularySize">vocab_size: rows of the embedding and output layer (often more than the tokenizer's ids).</param>
/// <param name="HiddenSize">hidden_size: width of the residual stream.</param>
/// <param name="IntermediateSize">intermediate_size: hidden width of the SwiGLU MLP.</param>
/// <param name="Layers">num_hidden_layers.</param>
/// <param name="Heads">num_attention_heads: query heads.</param>
/// <param name="KeyValueHeads">num_key_value_heads: key/value heads shared by Heads / KeyValueHeads query heads each (grouped-query attention).</param>
/// <param name="HeadDim">head_dim; Qwen3's is its own field (Qwen3-0.6B: 128 with hidden 1024 and 16 heads), need not be hidden / heads.</param>
/// <param name="MaxPositionEmbeddings">max_position_embeddings: the longest context the model was trained for.</param>
/// <param name="RmsNormEps">rms_norm_eps.</param>
/// <param name="RopeTheta">rope_theta: RoPE base frequency (1e6 for Qwen2.5 and Qwen3).</param>
/// <param name="TieWordEmbeddings">tie_word_embeddings: the output layer is the transposed token embedding.</param>
/// <param name="AttentionBias">q/k/v projections carry biases (always for Qwen2; attention_bias for Qwen3 and Llama).</param>
/// <param name="QkNorm">A per-head RMSNorm of queries and keys before RoPE (Qwen3).</param>
/// <param name="InitializerRange">initializer_range: std of the normal initialisation of a fresh model.</param>
/// <param name="Source">
/// The config.json this came from, kept whole so a saved model carries every field we do not interpret
/// (bos/eos ids, transformers_version, …) unchanged; null for a config built in code.
/// </param>
public sealed record DecoderConfig(
    DecoderFamily Family,
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
    bool AttentionBias,
    bool QkNorm,
    double InitializerRange = 0.02,
    JsonObject? Source = null)
{
    /// <summary>config.json's "architectures" entry of each family.</summary>
    public static string ArchitectureOf(DecoderFamily family) => family switch
    {
        DecoderFamily.Qwen2 => "Qwen2ForCausalLM",
        DecoderFamily.Qwen3 => "Qwen3ForCausalLM",
        _ => "LlamaForCausalLM",
    };

    /// <summary>config.json's "model_type" of each family.</summary>
    public static string ModelTypeOf(DecoderFamily family) => family switch
    {
        DecoderFamily.Qwen2 => "qwen2",
        DecoderFamily.Qwen3 => "qwen3",
        _ => "llama",
    };

    /// <summary>The family whose "architectures" entry is <paramref name="architecture"/>, or null.</summary>
    public static DecoderFamily? FamilyOf(string architecture) =>
        Enum.GetValues<DecoderFamily>().Cast<DecoderFamily?>().FirstOrDefault(f => ArchitectureOf(f!.Value) == architecture);

    public string ArchitectureName => ArchitectureOf(Family);

    /// <summary>Query heads per key/value head.</summary>
    public int GroupSize => Heads / KeyValueHeads;

    /// <summary>
    /// A config built in code with the family's own switches (Qwen2: q/k/v biases; Qwen3: q/k norms; Llama: neither).
    /// <paramref name="headDim"/> null = hidden_size / num_attention_heads.
    /// </summary>
    public static DecoderConfig Create(DecoderFamily family, int vocabularySize, int hiddenSize, int intermediateSize, int layers, int heads,
        int keyValueHeads, int? headDim = null, int maxPositionEmbeddings = 4096, double rmsNormEps = 1e-6, double ropeTheta = 1_000_000,
        bool tieWordEmbeddings = true) =>
        new(family, vocabularySize, hiddenSize, intermediateSize, layers, heads, keyValueHeads, headDim ?? hiddenSize / Math.Max(heads, 1),
            maxPositionEmbeddings, rmsNormEps, ropeTheta, tieWordEmbeddings,
            AttentionBias: family == DecoderFamily.Qwen2, QkNorm: family == DecoderFamily.Qwen3);

    /// <summary>
    /// Every parameter's Hugging Face name and shape, in <see cref="DecoderForCausalLM"/>'s order, without building the
    /// model: a folder's weights can be checked against config.json before gigabytes are allocated.
    /// </summary>
    public IReadOnlyList<(string Name, long[] Shape)> ParameterShapes()
    {
        var (hidden, q, kv) = ((long)HiddenSize, (long)Heads * HeadDim, (long)KeyValueHeads * HeadDim);
        var shapes = new List<(string, long[])> { ("model.embed_tokens.weight", [VocabularySize, hidden]) };
        for (var i = 0; i < Layers; i++)
        {
            var p = $"model.layers.{i}.";
            shapes.Add((p + "input_layernorm.weight", [hidden]));
            shapes.Add((p + "self_attn.q_proj.weight", [q, hidden]));
            if (AttentionBias) shapes.Add((p + "self_attn.q_proj.bias", [q]));
            shapes.Add((p + "self_attn.k_proj.weight", [kv, hidden]));
            if (AttentionBias) shapes.Add((p + "self_attn.k_proj.bias", [kv]));
            shapes.Add((p + "self_attn.v_proj.weight", [kv, hidden]));
            if (AttentionBias) shapes.Add((p + "self_attn.v_proj.bias", [kv]));
            shapes.Add((p + "self_attn.o_proj.weight", [hidden, q]));
            if (QkNorm)
            {
                shapes.Add((p + "self_attn.q_norm.weight", [HeadDim]));
                shapes.Add((p + "self_attn.k_norm.weight", [HeadDim]));
            }
            shapes.Add((p + "post_attention_layernorm.weight", [hidden]));
            shapes.Add((p + "mlp.gate_proj.weight", [IntermediateSize, hidden]));
            shapes.Add((p + "mlp.up_proj.weight", [IntermediateSize, hidden]));
            shapes.Add((p + "mlp.down_proj.weight", [hidden, IntermediateSize]));
        }
        shapes.Add(("model.norm.weight", [hidden]));
        if (!TieWordEmbeddings) shapes.Add(("lm_head.weight", [VocabularySize, hidden]));
        return shapes;
    }

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
    /// Reads a config.json object of <paramref name="family"/>. Features that would change the computation and that
    /// this implementation does not have (sliding-window attention, RoPE scaling of any type, an activation other
    /// than SiLU, MLP biases) are refused, never ignored. Throws <see cref="ArgumentException"/> naming the field.
    /// </summary>
    public static DecoderConfig FromJson(JsonObject json, DecoderFamily family)
    {
        var hidden = Int("hidden_size");
        var heads = Int("num_attention_heads");
        var act = OptionalString("hidden_act") ?? "silu";
        if (act != "silu") throw new ArgumentException($"hidden_act is '{act}'; only silu is implemented");
        if (Bool("use_sliding_window", false))
            throw new ArgumentException("use_sliding_window = true is not supported (sliding-window attention is not implemented); Qwen checkpoints ship with false");
        if (json["layer_types"] is JsonArray layerTypes && layerTypes.Any(t => t?.ToString() != "full_attention"))
            throw new ArgumentException($"layer_types {layerTypes.ToJsonString()} is not supported: only full_attention layers are implemented (no sliding window)");
        if (json["rope_scaling"] is JsonObject scaling)
            throw new ArgumentException($"rope_scaling {scaling.ToJsonString()} is not supported (only plain RoPE with rope_theta is implemented and tested); remove it to use the model's native context");
        if (Bool("mlp_bias", false)) throw new ArgumentException("mlp_bias = true is not supported (the SwiGLU MLP here has no biases)");
        var ropeTheta = RopeThetaOf(json);
        // Defaults are transformers' own: Qwen3Config's head_dim defaults to 128, the others derive it.
        int? defaultHeadDim = family == DecoderFamily.Qwen3 ? 128 : null;
        var config = new DecoderConfig(
            family,
            Int("vocab_size"),
            hidden,
            Int("intermediate_size"),
            Int("num_hidden_layers"),
            heads,
            json["num_key_value_heads"] is null ? heads : Int("num_key_value_heads"),
            json["head_dim"] is null ? defaultHeadDim ?? hidden / Math.Max(heads, 1) : Int("head_dim"),
            Int("max_position_embeddings"),
            Double("rms_norm_eps", null),
            ropeTheta,
            Bool("tie_word_embeddings", false),
            AttentionBias: family == DecoderFamily.Qwen2 || Bool("attention_bias", false),
            QkNorm: family == DecoderFamily.Qwen3,
            Double("initializer_range", 0.02),
            json);
        config.Validate();
        return config;

        double RopeThetaOf(JsonObject j)
        {
            // transformers 5 moves RoPE into rope_parameters {rope_type, rope_theta}; only the default type is plain RoPE.
            if (j["rope_parameters"] is JsonObject parameters)
            {
                var type = parameters["rope_type"]?.ToString() ?? parameters["type"]?.ToString() ?? "default";
                if (type != "default")
                    throw new ArgumentException($"rope_parameters.rope_type '{type}' is not supported (only default RoPE is implemented and tested)");
                if (parameters["rope_theta"] is JsonValue theta && theta.GetValueKind() == JsonValueKind.Number && theta.TryGetValue<double>(out var t)) return t;
            }
            return Double("rope_theta", 10000.0);
        }

        int Int(string key) =>
            json[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i)
                ? i
                : throw new ArgumentException(json[key] is null ? $"{key} is missing" : $"{key} must be an integer, got {json[key]!.ToJsonString()}");

        double Double(string key, double? fallback) =>
            json[key] is null && fallback is { } f ? f
            : json[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) ? d
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
    /// torch_dtype written over them, or a complete config of the family when there is no source (what
    /// transformers' Qwen2Config, Qwen3Config or LlamaConfig reads).
    /// </summary>
    public JsonObject ToJson(ScalarType dtype)
    {
        var json = Source?.DeepClone().AsObject() ?? new JsonObject();
        json["architectures"] = new JsonArray(ArchitectureName);
        json["model_type"] = ModelTypeOf(Family);
        json["vocab_size"] = VocabularySize;
        json["hidden_size"] = HiddenSize;
        json["intermediate_size"] = IntermediateSize;
        json["num_hidden_layers"] = Layers;
        json["num_attention_heads"] = Heads;
        json["num_key_value_heads"] = KeyValueHeads;
        // Qwen3 always states head_dim (its default, 128, is not hidden / heads); elsewhere only when it differs.
        if (Family == DecoderFamily.Qwen3 || json["head_dim"] is not null || HeadDim != HiddenSize / Heads) json["head_dim"] = HeadDim;
        json["max_position_embeddings"] = MaxPositionEmbeddings;
        json["rms_norm_eps"] = RmsNormEps;
        json["rope_theta"] = RopeTheta;
        json["rope_scaling"] = null;
        json["tie_word_embeddings"] = TieWordEmbeddings;
        json["initializer_range"] = InitializerRange;
        json["hidden_act"] = "silu";
        if (Family != DecoderFamily.Qwen2) json["attention_bias"] = AttentionBias;
        if (Family == DecoderFamily.Llama) json["mlp_bias"] = false;
        else json["use_sliding_window"] = false;
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
        _ => throw new ArgumentException($"a decoder model is stored as bfloat16, float16, float32 or float64, not {dtype}"),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Family}(vocab {VocabularySize}, hidden {HiddenSize}, mlp {IntermediateSize}, layers {Layers}, heads {Heads}/{KeyValueHeads} kv, head_dim {HeadDim}, rope_theta {RopeTheta}, tied {TieWordEmbeddings}{(AttentionBias ? ", qkv bias" : "")}{(QkNorm ? ", qk norm" : "")})");
}
