using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorRL.Model.SafeTensors;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests.HuggingFace;

/// <summary>
/// Writes a tiny random Qwen2-shaped Hugging Face folder the way transformers lays one out, independently of
/// ActorRL's writer: config.json with Hugging Face's keys, the weights under Hugging Face's tensor names and shapes
/// (spelled out here, not taken from our model), split into safetensors shards with model.safetensors.index.json,
/// a small byte-level BPE tokenizer.json with Qwen's pre-tokenizer and special tokens, and tokenizer_config.json
/// with a chat template. Hidden 32, 2 layers, 4 query heads sharing 2 key/value heads, head_dim 8 (Qwen2, Llama) or
/// 16 (Qwen3, whose head_dim is its own field: q_proj is then 64 × 32, wider than the residual stream).
/// </summary>
internal static class TinyQwenFolder
{
    public const int Hidden = 32;
    public const int Intermediate = 64;
    public const int Layers = 2;
    public const int Heads = 4;
    public const int KeyValueHeads = 2;
    public const int HeadDim = Hidden / Heads;
    public const int Qwen3HeadDim = 16;

    private static readonly string[] Merges = ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d", "1 2"];

    /// <summary>
    /// Ids in tokenizer.json: 256 byte tokens, the merges, then the special &lt;|endoftext|&gt;, &lt;|im_start|&gt;,
    /// &lt;|im_end|&gt; and, as in Qwen3, the added but not special &lt;think&gt; and &lt;/think&gt;.
    /// </summary>
    public static readonly int TokenizerVocabulary = 256 + Merges.Length + 5;

    /// <summary>Id of &lt;think&gt; (&lt;/think&gt; is the next one).</summary>
    public static readonly int ThinkId = 256 + Merges.Length + 3;

    /// <param name="paddedVocabulary">vocab_size larger than the tokenizer's ids, as real Qwen2.5 checkpoints have (151936 vs 151665).</param>
    public static JsonObject Config(bool tie, bool paddedVocabulary = false, double ropeTheta = 50000.0) => Qwen2Config(tie, paddedVocabulary, ropeTheta);

    /// <summary>config.json of the tiny model in <paramref name="architecture"/>'s own keys (Qwen2ForCausalLM, Qwen3ForCausalLM, LlamaForCausalLM).</summary>
    public static JsonObject Config(string architecture, bool tie, bool paddedVocabulary = false)
    {
        var config = Qwen2Config(tie, paddedVocabulary, 50000.0);
        config["architectures"] = new JsonArray(architecture);
        switch (architecture)
        {
            case "Qwen3ForCausalLM":
                // Qwen3: head_dim stated, no q/k/v biases, no max_window_layers.
                config["model_type"] = "qwen3";
                config["head_dim"] = Qwen3HeadDim;
                config["attention_bias"] = false;
                config.Remove("max_window_layers");
                break;
            case "LlamaForCausalLM":
                config["model_type"] = "llama";
                config["attention_bias"] = false;
                config["mlp_bias"] = false;
                config["pretraining_tp"] = 1;
                foreach (var key in new[] { "max_window_layers", "sliding_window", "use_sliding_window" }) config.Remove(key);
                break;
        }
        return config;
    }

    private static JsonObject Qwen2Config(bool tie, bool paddedVocabulary, double ropeTheta) => new()
    {
        ["architectures"] = new JsonArray("Qwen2ForCausalLM"),
        ["model_type"] = "qwen2",
        ["attention_dropout"] = 0.0,
        ["bos_token_id"] = 256 + Merges.Length,
        ["eos_token_id"] = 256 + Merges.Length + 2,
        ["hidden_act"] = "silu",
        ["hidden_size"] = Hidden,
        ["initializer_range"] = 0.02,
        ["intermediate_size"] = Intermediate,
        ["max_position_embeddings"] = 256,
        ["max_window_layers"] = Layers,
        ["num_attention_heads"] = Heads,
        ["num_hidden_layers"] = Layers,
        ["num_key_value_heads"] = KeyValueHeads,
        ["rms_norm_eps"] = 1e-6,
        ["rope_scaling"] = null,
        ["rope_theta"] = ropeTheta,
        ["sliding_window"] = 4096,
        ["tie_word_embeddings"] = tie,
        ["torch_dtype"] = "bfloat16",
        ["transformers_version"] = "4.43.1",
        ["use_cache"] = true,
        ["use_sliding_window"] = false,
        ["vocab_size"] = paddedVocabulary ? TokenizerVocabulary + 19 : TokenizerVocabulary,
    };

    /// <summary>
    /// Random weights under Hugging Face's names for the config's architecture (Qwen2: q/k/v biases; Qwen3: q_norm and
    /// k_norm, no biases; Llama: neither). Biases and norm gains are random too, so every parameter matters.
    /// </summary>
    public static Dictionary<string, Tensor> RandomWeights(JsonObject config, long seed)
    {
        var vocab = config["vocab_size"]!.GetValue<int>();
        var architecture = config["architectures"]![0]!.GetValue<string>();
        var bias = architecture == "Qwen2ForCausalLM";
        var qkNorm = architecture == "Qwen3ForCausalLM";
        var headDim = config["head_dim"]?.GetValue<int>() ?? HeadDim;
        using var generator = new Generator((ulong)seed);
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = Normal([vocab, Hidden], 0.5),
            ["model.norm.weight"] = Gain(),
        };
        for (var i = 0; i < Layers; i++)
        {
            var p = $"model.layers.{i}.";
            weights[p + "input_layernorm.weight"] = Gain();
            weights[p + "self_attn.q_proj.weight"] = Normal([Heads * headDim, Hidden], 0.25);
            weights[p + "self_attn.k_proj.weight"] = Normal([KeyValueHeads * headDim, Hidden], 0.25);
            weights[p + "self_attn.v_proj.weight"] = Normal([KeyValueHeads * headDim, Hidden], 0.25);
            weights[p + "self_attn.o_proj.weight"] = Normal([Hidden, Heads * headDim], 0.2);
            if (bias)
            {
                weights[p + "self_attn.q_proj.bias"] = Normal([Heads * headDim], 0.2);
                weights[p + "self_attn.k_proj.bias"] = Normal([KeyValueHeads * headDim], 0.2);
                weights[p + "self_attn.v_proj.bias"] = Normal([KeyValueHeads * headDim], 0.2);
            }
            if (qkNorm)
            {
                weights[p + "self_attn.q_norm.weight"] = Gain(headDim);
                weights[p + "self_attn.k_norm.weight"] = Gain(headDim);
            }
            weights[p + "post_attention_layernorm.weight"] = Gain();
            weights[p + "mlp.gate_proj.weight"] = Normal([Intermediate, Hidden], 0.25);
            weights[p + "mlp.up_proj.weight"] = Normal([Intermediate, Hidden], 0.25);
            weights[p + "mlp.down_proj.weight"] = Normal([Hidden, Intermediate], 0.15);
        }
        if (!config["tie_word_embeddings"]!.GetValue<bool>()) weights["lm_head.weight"] = Normal([vocab, Hidden], 0.3);
        return weights;

        Tensor Normal(long[] shape, double std) => randn(shape, generator: generator) * std;
        Tensor Gain(int size = Hidden) => 1 + 0.2 * randn([size], generator: generator);
    }

    /// <summary>
    /// A complete folder: config.json, weights (stored as <paramref name="storeAs"/>) in <paramref name="shards"/>
    /// files (1 = a single model.safetensors without index), tokenizer files. Returns the folder's path.
    /// </summary>
    public static string Write(string directory, JsonObject config, IReadOnlyDictionary<string, Tensor> weights,
        ScalarType storeAs = ScalarType.Float32, int shards = 3, string? chatTemplate = ChatTemplates.Qwen25)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        WriteWeights(directory, weights, storeAs, shards);
        WriteTokenizer(directory, chatTemplate);
        return directory;
    }

    public static void WriteWeights(string directory, IReadOnlyDictionary<string, Tensor> weights, ScalarType storeAs, int shards)
    {
        using var scope = NewDisposeScope();
        var names = weights.Keys.ToList();
        if (shards == 1)
        {
            SafeTensorsWriter.Write(Path.Combine(directory, "model.safetensors"), Convert(names), new Dictionary<string, string> { ["format"] = "pt" });
            return;
        }
        var map = new JsonObject();
        long total = 0;
        for (var s = 0; s < shards; s++)
        {
            var file = string.Create(CultureInfo.InvariantCulture, $"model-{s + 1:D5}-of-{shards:D5}.safetensors");
            var part = names.Where((_, i) => i % shards == s).ToList();
            var tensors = Convert(part);
            SafeTensorsWriter.Write(Path.Combine(directory, file), tensors, new Dictionary<string, string> { ["format"] = "pt" });
            foreach (var name in part)
            {
                map[name] = file;
                total += tensors[name].NumberOfElements * tensors[name].ElementSize;
            }
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = map };
        File.WriteAllText(Path.Combine(directory, "model.safetensors.index.json"), index.ToJsonString());

        Dictionary<string, Tensor> Convert(IEnumerable<string> subset) =>
            subset.ToDictionary(n => n, n => weights[n].to(storeAs), StringComparer.Ordinal);
    }

    /// <summary>GPT-2's byte → printable character map, in which byte-level BPE vocabularies are written.</summary>
    private static Dictionary<byte, char> BytesToUnicode()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        var map = printable.ToDictionary(b => (byte)b, b => (char)b);
        var next = 0;
        for (var b = 0; b < 256; b++)
            if (!map.ContainsKey((byte)b)) map[(byte)b] = (char)(256 + next++);
        return map;
    }

    public static void WriteTokenizer(string directory, string? chatTemplate)
    {
        Directory.CreateDirectory(directory);
        var vocab = new JsonObject();
        var id = 0;
        foreach (var (_, c) in BytesToUnicode().OrderBy(kv => kv.Key)) vocab[c.ToString()] = id++;
        foreach (var merge in Merges) vocab[merge.Replace(" ", "")] = id++;
        var added = new JsonArray();
        foreach (var (content, special) in new[] { ("<|endoftext|>", true), ("<|im_start|>", true), ("<|im_end|>", true), ("<think>", false), ("</think>", false) })
            added.Add(new JsonObject { ["id"] = id++, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = special });
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject { ["type"] = "NFC" },
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split",
                        ["pattern"] = new JsonObject { ["Regex"] = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+" },
                        ["behavior"] = "Isolated",
                        ["invert"] = false,
                    },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["byte_fallback"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(Merges.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            },
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), tokenizer.ToJsonString());
        var config = new JsonObject
        {
            ["bos_token"] = null,
            ["eos_token"] = "<|im_end|>",
            ["pad_token"] = "<|endoftext|>",
            ["model_max_length"] = 256,
            ["tokenizer_class"] = "Qwen2Tokenizer",
        };
        if (chatTemplate is not null) config["chat_template"] = chatTemplate;
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
