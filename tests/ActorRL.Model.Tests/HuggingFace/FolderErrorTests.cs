using System.Text.Json.Nodes;
using ActorRL.Model.HuggingFace;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests.HuggingFace;

/// <summary>A folder that cannot be loaded fails before any weight is used, with a message naming what is wrong.</summary>
public sealed class FolderErrorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-hf-bad-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A valid folder after <paramref name="edit"/> has changed its config and weights.</summary>
    private string Folder(Action<JsonObject, Dictionary<string, Tensor>>? edit = null, int shards = 2, string? chatTemplate = ChatTemplates.Qwen25)
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config(tie: false);
        var weights = TinyQwenFolder.RandomWeights(config, seed: 9);
        edit?.Invoke(config, weights);
        return TinyQwenFolder.Write(Path.Combine(_root, Guid.NewGuid().ToString("N")), config, weights, shards: shards, chatTemplate: chatTemplate);
    }

    private static HuggingFaceFolderException LoadFails(string dir, int maxSequenceLength = 32) =>
        Assert.Throws<HuggingFaceFolderException>(() => HuggingFaceLoader.LoadDecoder(dir, maxSequenceLength).Dispose());

    [Fact]
    public void A_missing_tensor_is_named()
    {
        var dir = Folder((_, w) => w.Remove("model.layers.1.mlp.up_proj.weight"));
        var error = LoadFails(dir);
        Assert.Contains("missing tensor 'model.layers.1.mlp.up_proj.weight'", error.Message);
        Assert.StartsWith(dir, error.Message);
    }

    [Fact]
    public void A_tensor_whose_shape_contradicts_config_json_is_named_with_both_shapes()
    {
        // k_proj sized for 4 key/value heads while config.json says 2: a checkpoint of another model size.
        var dir = Folder((_, w) => w["model.layers.0.self_attn.k_proj.weight"] = zeros(32, 32));
        var error = LoadFails(dir);
        Assert.Contains("tensor 'model.layers.0.self_attn.k_proj.weight' has shape [32, 32] but config.json implies [16, 32]", error.Message);
        Assert.EndsWith(".safetensors", error.Location);
    }

    [Fact]
    public void An_unknown_architecture_is_named_with_the_supported_ones()
    {
        var dir = Folder((c, _) => c["architectures"] = new JsonArray("MistralForCausalLM"));
        var error = LoadFails(dir);
        Assert.Contains("architectures: 'MistralForCausalLM' is not supported (supported: Qwen2ForCausalLM, Qwen3ForCausalLM, LlamaForCausalLM)", error.Message);
        Assert.EndsWith("config.json", error.Location);
    }

    [Fact]
    public void A_mixture_of_experts_model_is_refused_as_such()
    {
        var dir = Folder((c, _) => c["architectures"] = new JsonArray("Qwen3MoeForCausalLM"));
        var error = LoadFails(dir);
        Assert.Contains("architectures: 'Qwen3MoeForCausalLM' is a mixture-of-experts model, which is not supported", error.Message);
        Assert.EndsWith("config.json", error.Location);
    }

    [Fact]
    public void Tensors_that_belong_to_no_parameter_are_refused_but_known_leftovers_are_ignored()
    {
        var extra = Folder((_, w) => w["model.layers.0.self_attn.o_proj.bias"] = zeros(32));
        Assert.Contains("unexpected tensor 'model.layers.0.self_attn.o_proj.bias'", LoadFails(extra).Message);

        // Older transformers saved rotary inv_freq buffers; a tied model may still carry lm_head.weight.
        var leftovers = Folder((c, w) =>
        {
            c["tie_word_embeddings"] = true;
            w["model.layers.0.self_attn.rotary_emb.inv_freq"] = ones(4);
        });
        using var model = HuggingFaceLoader.LoadDecoder(leftovers, 32);
        Assert.DoesNotContain(model.NamedParameters(), p => p.Name == "lm_head.weight");
    }

    [Theory]
    [InlineData("use_sliding_window", "true", "use_sliding_window = true is not supported")]
    [InlineData("rope_scaling", """{"type": "yarn", "factor": 4.0}""", "rope_scaling")]
    [InlineData("hidden_act", "\"gelu\"", "hidden_act is 'gelu'")]
    [InlineData("num_key_value_heads", "3", "num_key_value_heads (3) must be ≥ 1 and divide num_attention_heads (4)")]
    [InlineData("hidden_size", "\"big\"", "hidden_size must be an integer")]
    public void Config_values_this_implementation_cannot_honour_are_refused(string key, string json, string expected)
    {
        var dir = Folder((c, _) => c[key] = JsonNode.Parse(json));
        var error = LoadFails(dir);
        Assert.Contains(expected, error.Message);
        Assert.EndsWith("config.json", error.Location);
    }

    [Fact]
    public void Layout_problems_name_the_file()
    {
        var noConfig = Folder();
        File.Delete(Path.Combine(noConfig, "config.json"));
        Assert.Contains("no config.json", LoadFails(noConfig).Message);

        var lostShard = Folder(shards: 3);
        File.Delete(Path.Combine(lostShard, "model-00002-of-00003.safetensors"));
        Assert.Contains("lists shard 'model-00002-of-00003.safetensors'", LoadFails(lostShard).Message);

        var pickle = Folder(shards: 1);
        File.Move(Path.Combine(pickle, "model.safetensors"), Path.Combine(pickle, "pytorch_model.bin"));
        Assert.Contains("convert the model to safetensors", LoadFails(pickle).Message);

        Assert.Contains("model folder not found", LoadFails(Path.Combine(_root, "nowhere")).Message);
        Assert.Contains("max_position_embeddings: the run asks for sequences of 1000 tokens but the model supports 256", LoadFails(Folder(), maxSequenceLength: 1000).Message);
    }

    [Fact]
    public void A_chat_template_that_is_not_chatml_is_refused_naming_the_file()
    {
        var dir = Folder(chatTemplate: ChatTemplates.DeepSeekR1Distill);
        var error = Assert.Throws<HuggingFaceFolderException>(() => ChatMlTemplate.FromFolder(dir));
        Assert.Contains("unsupported chat template", error.Message);
        Assert.EndsWith("tokenizer_config.json", error.Location);
        // The weights themselves are still a valid Qwen2 model.
        HuggingFaceLoader.LoadDecoder(dir, 32).Dispose();
    }
}
