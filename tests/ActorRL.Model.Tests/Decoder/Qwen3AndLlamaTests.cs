using System.Text.Json.Nodes;
using ActorRL.Model.Decoder;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Policies;
using ActorRL.Model.Tests.HuggingFace;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests.Decoder;

/// <summary>
/// The Qwen3 and Llama members of the decoder family: what config.json makes of the network (Qwen3's q/k norms, its
/// own head_dim and no biases; Llama's plain attention), and what is refused rather than run wrongly.
/// </summary>
public sealed class Qwen3AndLlamaTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-qwen3-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(string architecture, bool tie = true, bool padded = false, Action<JsonObject>? edit = null, long seed = 3)
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config(architecture, tie, padded);
        var weights = TinyQwenFolder.RandomWeights(config, seed);
        edit?.Invoke(config);
        return TinyQwenFolder.Write(Path.Combine(_root, Guid.NewGuid().ToString("N")), config, weights, shards: 2);
    }

    [Theory]
    [InlineData("Qwen3ForCausalLM", true)]
    [InlineData("Qwen3ForCausalLM", false)]
    [InlineData("LlamaForCausalLM", true)]
    [InlineData("Qwen2ForCausalLM", false)]
    public void Every_tensor_of_the_folder_loads_into_the_parameter_of_its_name_and_the_config_predicts_every_shape(string architecture, bool tie)
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config(architecture, tie);
        var weights = TinyQwenFolder.RandomWeights(config, seed: 9);
        var dir = TinyQwenFolder.Write(Path.Combine(_root, "names"), config, weights);

        using var model = HuggingFaceLoader.LoadDecoder(dir, maxSequenceLength: 64);
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        Assert.Equal(weights.Keys.Order(), parameters.Keys.Order());
        foreach (var (name, expected) in weights) Assert.True(Identical.Tensors(expected, parameters[name]), $"{name} differs from the file");
        // ParameterShapes is what a folder is checked against before any model is built: it must be the model, exactly.
        Assert.Equal(parameters.Select(p => (p.Key, string.Join("x", p.Value.shape))).Order(),
            model.Config.ParameterShapes().Select(p => (p.Name, string.Join("x", p.Shape))).Order());
    }

    [Fact]
    public void Qwen3_has_per_head_query_and_key_norms_its_own_head_dim_and_no_biases()
    {
        using var model = HuggingFaceLoader.LoadDecoder(Folder("Qwen3ForCausalLM"), maxSequenceLength: 64);
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        Assert.Equal((DecoderFamily.Qwen3, 16, true, false), (model.Config.Family, model.Config.HeadDim, model.Config.QkNorm, model.Config.AttentionBias));
        // head_dim 16 with 4 heads: q_proj maps the 32-wide stream to 64, wider than itself.
        Assert.Equal([TinyQwenFolder.Heads * 16L, TinyQwenFolder.Hidden], parameters["model.layers.0.self_attn.q_proj.weight"].shape);
        Assert.Equal([16L], parameters["model.layers.1.self_attn.k_norm.weight"].shape);
        Assert.DoesNotContain(parameters.Keys, n => n.EndsWith(".bias", StringComparison.Ordinal));
    }

    [Fact]
    public void Qwen3_attention_bias_adds_q_k_v_biases()
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config("Qwen3ForCausalLM", tie: true);
        config["attention_bias"] = true;
        var parsed = DecoderConfig.FromJson(config, DecoderFamily.Qwen3);
        Assert.True(parsed.AttentionBias);
        Assert.Contains(parsed.ParameterShapes(), p => p.Name == "model.layers.0.self_attn.v_proj.bias");
    }

    [Fact]
    public void A_qwen3_config_without_head_dim_takes_transformers_default_of_128()
    {
        var config = TinyQwenFolder.Config("Qwen3ForCausalLM", tie: true);
        config.Remove("head_dim");
        Assert.Equal(128, DecoderConfig.FromJson(config, DecoderFamily.Qwen3).HeadDim);
        var llama = TinyQwenFolder.Config("LlamaForCausalLM", tie: true);
        Assert.Equal(TinyQwenFolder.Hidden / TinyQwenFolder.Heads, DecoderConfig.FromJson(llama, DecoderFamily.Llama).HeadDim);
    }

    [Theory]
    [InlineData("Qwen3ForCausalLM")]
    [InlineData("LlamaForCausalLM")]
    public void Kv_cache_decoding_equals_recomputing_the_whole_sequence(string architecture)
    {
        using var policy = HuggingFaceLoader.LoadPolicy(Folder(architecture, tie: false, padded: true), maxSequenceLength: 64);
        var request = new SamplingRequest([[1, 2, 3, 4], [270, 5]], SamplesPerPrompt: 2, Temperature: 1.0, MaxNewTokens: 12, Seed: 5, IgnoreEos: true);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var cached = policy.Sample(request);
        var recomputed = policy.Sample(request with { UseKvCache = false });
        Assert.Equal(cached.Select(r => r.TokenIds), recomputed.Select(r => r.TokenIds));
        var worst = cached.Zip(recomputed).SelectMany(p => p.First.LogProbs.Zip(p.Second.LogProbs, (a, b) => Math.Abs(a - b))).Max();
        Assert.InRange(worst, 0, 1e-4);
        // The padded rows (19 beyond the tokenizer) are never drawn, and every drawn id has a text.
        Assert.All(cached.SelectMany(r => r.TokenIds), id => Assert.InRange(id, 0, TinyQwenFolder.TokenizerVocabulary - 1));
        Assert.All(cached, r => Assert.Equal(r.TokenIds.Length, r.TokenTexts.Length));
    }

    [Fact]
    public void Sampled_log_probs_equal_the_learners_scoring_of_the_same_tokens()
    {
        using var policy = HuggingFaceLoader.LoadPolicy(Folder("Qwen3ForCausalLM", padded: true), maxSequenceLength: 64);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sampled = policy.Sample(new SamplingRequest([[7, 8, 9]], SamplesPerPrompt: 3, MaxNewTokens: 10, Seed: 2, IgnoreEos: true));
        var scored = policy.Score(sampled.Select(r => new ScoringSequence(r.PromptTokenIds, r.TokenIds)).ToList());
        var logProbs = scored.LogProbs.to(ScalarType.Float64).data<double>().ToArray();
        var width = (int)scored.LogProbs.shape[1];
        for (var b = 0; b < sampled.Count; b++)
            for (var t = 0; t < sampled[b].Length; t++)
                Assert.InRange(Math.Abs(sampled[b].LogProbs[t] - logProbs[b * width + t]), 0, 1e-4);
    }

    [Theory]
    [InlineData("rope_scaling", """{"rope_type": "yarn", "factor": 4.0}""", "rope_scaling")]
    [InlineData("rope_parameters", """{"rope_type": "llama3", "factor": 8.0}""", "rope_parameters.rope_type 'llama3'")]
    [InlineData("layer_types", """["full_attention", "sliding_attention"]""", "layer_types")]
    [InlineData("use_sliding_window", "true", "use_sliding_window")]
    [InlineData("mlp_bias", "true", "mlp_bias")]
    [InlineData("hidden_act", "\"gelu\"", "hidden_act")]
    public void What_the_decoder_does_not_implement_is_refused_naming_config_json_and_the_field(string field, string value, string named)
    {
        var dir = Folder("Qwen3ForCausalLM", edit: c => c[field] = JsonNode.Parse(value));
        var error = Assert.Throws<HuggingFaceFolderException>(() => HuggingFaceLoader.Inspect(dir, 32));
        Assert.EndsWith("config.json", error.Location);
        Assert.Contains(named, error.Problem);
    }

    [Fact]
    public void Plain_rope_parameters_of_transformers_5_give_the_theta()
    {
        var config = TinyQwenFolder.Config("Qwen3ForCausalLM", tie: true);
        config.Remove("rope_theta");
        config["rope_parameters"] = JsonNode.Parse("""{"rope_type": "default", "rope_theta": 1000000.0}""");
        Assert.Equal(1_000_000.0, DecoderConfig.FromJson(config, DecoderFamily.Qwen3).RopeTheta);
    }

    [Fact]
    public void A_folder_of_another_family_than_the_run_asks_for_is_refused()
    {
        var dir = Folder("Qwen3ForCausalLM");
        var error = Assert.Throws<HuggingFaceFolderException>(() => HuggingFaceLoader.Inspect(dir, 32, DecoderFamily.Qwen2));
        Assert.Contains("architectures: 'Qwen3ForCausalLM' is a qwen3 model, but actorrl.model.architecture = qwen2", error.Message);
    }

    [Fact]
    public void Inspect_finds_a_tokenizer_larger_than_the_embedding_without_loading_weights()
    {
        var dir = Folder("Qwen3ForCausalLM", edit: c => c["vocab_size"] = TinyQwenFolder.TokenizerVocabulary - 1);
        // The weights were written for the full vocabulary, so shrink them too: only the tokenizer is then wrong.
        using (var scope = NewDisposeScope())
        {
            var config = TinyQwenFolder.Config("Qwen3ForCausalLM", tie: true);
            config["vocab_size"] = TinyQwenFolder.TokenizerVocabulary - 1;
            foreach (var f in Directory.GetFiles(dir, "model*.safetensors*")) File.Delete(f);
            TinyQwenFolder.WriteWeights(dir, TinyQwenFolder.RandomWeights(config, 1), ScalarType.Float32, shards: 1);
        }
        var error = Assert.Throws<HuggingFaceFolderException>(() => HuggingFaceLoader.Inspect(dir, 32));
        Assert.EndsWith("tokenizer.json", error.Location);
        Assert.Contains($"the tokenizer has {TinyQwenFolder.TokenizerVocabulary} ids but config.json vocab_size is {TinyQwenFolder.TokenizerVocabulary - 1}", error.Message);
    }
}
