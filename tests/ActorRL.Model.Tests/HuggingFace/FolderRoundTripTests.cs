using System.Text.Json.Nodes;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Decoder;
using ActorRL.Model.SafeTensors;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests.HuggingFace;

public sealed class FolderRoundTripTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-hf-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Source(bool tie, long seed = 3)
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config(tie, paddedVocabulary: true);
        return TinyQwenFolder.Write(Path.Combine(_root, $"source-{tie}-{seed}"), config, TinyQwenFolder.RandomWeights(config, seed), ScalarType.Float32);
    }

    private static Tensor Logits(DecoderForCausalLM model)
    {
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 270, 5, 88, 271, 17, 200, 3, 9, 150, 255, 12, 40 }).view(2, 6);
        return model.Logits(model.Forward(ids, arange(6L).view(1, 6).expand(2, 6), null, null));
    }

    [Theory]
    [InlineData(false, 4_000L)]   // forced into several shards with an index
    [InlineData(true, 4_000L)]
    [InlineData(false, 100_000_000L)] // one model.safetensors
    public void Save_then_load_gives_identical_logits_in_the_same_layout(bool tie, long maxShardBytes)
    {
        var source = Source(tie);
        var saved = Path.Combine(_root, "saved");
        using var scope = NewDisposeScope();
        using var original = HuggingFaceLoader.LoadDecoder(source, 32);
        HuggingFaceWriter.Save(original, saved, new HuggingFaceSaveOptions(MaxShardBytes: maxShardBytes, CompanionSource: source));
        using var reloaded = HuggingFaceLoader.LoadDecoder(saved, 32);
        Assert.True(Identical.Tensors(Logits(original), Logits(reloaded)));

        var sharded = maxShardBytes < 100_000;
        Assert.Equal(sharded, File.Exists(Path.Combine(saved, SafeTensorsIndex.FileName)));
        Assert.Equal(!sharded, File.Exists(Path.Combine(saved, ModelFolder.SingleWeightsFile)));
        var folder = ModelFolder.Open(saved);
        Assert.Equal(original.NamedParameters().Select(p => p.Name).Order(), folder.WeightFiles.Keys.Order());
        Assert.Equal(!tie, folder.WeightFiles.ContainsKey("lm_head.weight"));
        if (sharded)
        {
            var shards = folder.WeightFiles.Values.Distinct().Select(Path.GetFileName).Order().ToList();
            Assert.True(shards.Count > 2);
            Assert.Equal($"model-00001-of-{shards.Count:D5}.safetensors", shards[0]);
        }
        foreach (var file in folder.WeightFiles.Values.Distinct())
        {
            using var reader = SafeTensorsReader.Open(file);
            Assert.Equal("pt", reader.Metadata["format"]); // transformers refuses safetensors without it
        }
        foreach (var companion in new[] { "tokenizer.json", "tokenizer_config.json" })
            Assert.Equal(File.ReadAllText(Path.Combine(source, companion)), File.ReadAllText(Path.Combine(saved, companion)));
        Assert.DoesNotContain(Directory.GetDirectories(_root), d => Path.GetFileName(d).StartsWith("saved.", StringComparison.Ordinal)); // no staging left
    }

    [Fact]
    public void Config_fields_we_do_not_interpret_survive_and_torch_dtype_follows_the_stored_dtype()
    {
        var source = Source(tie: true);
        var saved = Path.Combine(_root, "bf16");
        using var model = HuggingFaceLoader.LoadDecoder(source, 32);
        HuggingFaceWriter.Save(model, saved, new HuggingFaceSaveOptions(DType: ScalarType.BFloat16));
        var before = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!.AsObject();
        var after = JsonNode.Parse(File.ReadAllText(Path.Combine(saved, "config.json")))!.AsObject();
        Assert.Equal("bfloat16", after["torch_dtype"]!.GetValue<string>());
        foreach (var key in new[] { "transformers_version", "bos_token_id", "eos_token_id", "sliding_window", "max_window_layers", "rope_theta", "vocab_size" })
            Assert.True(JsonNode.DeepEquals(before[key], after[key]), key);

        using var scope = NewDisposeScope();
        using var reader = SafeTensorsReader.Open(Path.Combine(saved, ModelFolder.SingleWeightsFile));
        Assert.All(reader.Tensors.Values, t => Assert.Equal(ScalarType.BFloat16, t.DType));
        using var reloaded = HuggingFaceLoader.LoadDecoder(saved, 32);
        var name = "model.layers.1.self_attn.q_proj.bias";
        var expected = model.NamedParameters().Single(p => p.Name == name).Parameter.to(ScalarType.BFloat16).to(ScalarType.Float32);
        Assert.True(Identical.Tensors(expected, reloaded.NamedParameters().Single(p => p.Name == name).Parameter));
    }

    [Fact]
    public void Saving_over_a_non_empty_folder_needs_overwrite_and_then_replaces_it_whole()
    {
        var source = Source(tie: false);
        var target = Path.Combine(_root, "target");
        using var model = HuggingFaceLoader.LoadDecoder(source, 32);
        HuggingFaceWriter.Save(model, target, new HuggingFaceSaveOptions(MaxShardBytes: 4_000));
        var error = Assert.Throws<HuggingFaceFolderException>(() => HuggingFaceWriter.Save(model, target));
        Assert.Contains("not empty", error.Message);

        HuggingFaceWriter.Save(model, target, new HuggingFaceSaveOptions(Overwrite: true));
        // Shards of the old, sharded save are gone: the folder holds exactly the new single-file layout.
        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFiles(target).Select(Path.GetFileName).Order());
        Assert.Single(Directory.GetDirectories(_root, "target*"));
    }

    [Fact]
    public void A_trained_policy_saves_with_the_names_it_trains_under()
    {
        var source = Source(tie: true);
        using var policy = HuggingFaceLoader.LoadPolicy(source, 32);
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            foreach (var (_, p) in policy.NamedParameters()) p.add_(0.01);
        }
        var saved = Path.Combine(_root, "trained");
        HuggingFaceWriter.Save((DecoderForCausalLM)policy.Model, saved, new HuggingFaceSaveOptions(CompanionSource: source));
        using var reloaded = HuggingFaceLoader.LoadPolicy(saved, 32);
        using var weights = policy.ExportWeights();
        using var again = reloaded.ExportWeights();
        foreach (var (name, tensor) in weights.Tensors) Assert.True(Identical.Tensors(tensor, again.Tensors[name]), name);
        Assert.Equal(policy.Tokenizer.Encode("hello world"), reloaded.Tokenizer.Encode("hello world"));
    }
}
