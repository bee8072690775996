using ActorRL.Model.HuggingFace;
using ActorRL.Model.Policies;
using ActorRL.Model.Decoder;
using ActorRL.Model.Tests.HuggingFace;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests.Decoder;

public sealed class Qwen2PolicyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-qwen2-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(bool tie, ScalarType storeAs = ScalarType.Float32, bool padded = false, long seed = 1)
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config(tie, padded);
        return TinyQwenFolder.Write(Path.Combine(_root, $"m{tie}{storeAs}{padded}{seed}"), config, TinyQwenFolder.RandomWeights(config, seed), storeAs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loads_every_hugging_face_tensor_into_the_parameter_of_the_same_name_and_shape(bool tie)
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config(tie, paddedVocabulary: true);
        var weights = TinyQwenFolder.RandomWeights(config, seed: 4);
        var dir = TinyQwenFolder.Write(Path.Combine(_root, "names"), config, weights);

        using var model = HuggingFaceLoader.LoadDecoder(dir, maxSequenceLength: 64);
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        Assert.Equal(weights.Keys.Order(), parameters.Keys.Order());
        Assert.Equal(tie, !parameters.ContainsKey("lm_head.weight"));
        Assert.False(parameters.ContainsKey("model.layers.0.self_attn.o_proj.bias"));
        Assert.Equal([TinyQwenFolder.KeyValueHeads * TinyQwenFolder.HeadDim, TinyQwenFolder.Hidden], parameters["model.layers.1.self_attn.k_proj.weight"].shape);
        Assert.Equal([TinyQwenFolder.Heads * TinyQwenFolder.HeadDim], parameters["model.layers.1.self_attn.q_proj.bias"].shape);
        foreach (var (name, expected) in weights) Assert.True(Identical.Tensors(expected, parameters[name]), $"{name} differs from the file");

        Assert.Equal((TinyQwenFolder.TokenizerVocabulary + 19, 64), (model.VocabularySize, model.MaxSequenceLength));
        Assert.Equal(50000.0, model.Config.RopeTheta);
        Assert.Equal(2, model.Config.GroupSize);
    }

    [Fact]
    public void The_kv_cache_holds_only_the_key_value_heads()
    {
        using var model = HuggingFaceLoader.LoadDecoder(Folder(tie: true), maxSequenceLength: 64);
        using var cache = model.CreateKvCache(batchSize: 3, capacity: 20);
        using var scope = NewDisposeScope();
        var (keys, _) = cache.Append(0, zeros(3, TinyQwenFolder.KeyValueHeads, 5, TinyQwenFolder.HeadDim), zeros(3, TinyQwenFolder.KeyValueHeads, 5, TinyQwenFolder.HeadDim));
        Assert.Equal([3L, TinyQwenFolder.KeyValueHeads, 5, TinyQwenFolder.HeadDim], keys.shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Kv_cache_sampling_log_probs_equal_full_scoring(bool tie)
    {
        using var policy = HuggingFaceLoader.LoadPolicy(Folder(tie), maxSequenceLength: 160);
        var chat = ChatMlTemplate.Qwen25;
        IReadOnlyList<int>[] prompts =
        [
            policy.Tokenizer.Encode(chat.RenderPrompt("hello world")),
            policy.Tokenizer.Encode(chat.RenderPrompt("12 hello", systemPrompt: "or")),
            policy.Tokenizer.Encode("world"),
        ];
        var responses = policy.Sample(new SamplingRequest(prompts, SamplesPerPrompt: 3, Temperature: 0.9, MaxNewTokens: 16, Seed: 7));
        Assert.Equal(9, responses.Count);
        Assert.Contains(responses, r => r.Length > 4);

        SamplingAssertions.ScoringReproducesTheSampler(policy, responses, temperature: 0.9);
    }

    [Fact]
    public void Greedy_decoding_with_the_cache_equals_recomputing_every_step()
    {
        using var policy = HuggingFaceLoader.LoadPolicy(Folder(tie: false), maxSequenceLength: 96);
        IReadOnlyList<int>[] prompts = [policy.Tokenizer.Encode("hello world 12"), policy.Tokenizer.Encode("or")];
        var cached = policy.Sample(new SamplingRequest(prompts, Temperature: 0, MaxNewTokens: 12, IgnoreEos: true));
        var recomputed = policy.Sample(new SamplingRequest(prompts, Temperature: 0, MaxNewTokens: 12, IgnoreEos: true, UseKvCache: false));
        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(recomputed[i].TokenIds, cached[i].TokenIds);
            for (var t = 0; t < cached[i].Length; t++) Assert.Equal(recomputed[i].LogProbs[t], cached[i].LogProbs[t], 1e-5);
        }
    }

    [Fact]
    public void Sampling_training_and_saving_leave_no_live_tensors_behind()
    {
        var source = Folder(tie: true);
        using var policy = HuggingFaceLoader.LoadPolicy(source, maxSequenceLength: 64);
        IReadOnlyList<int>[] prompts = [policy.Tokenizer.Encode("hello world"), policy.Tokenizer.Encode("12")];

        void OneStep(int i)
        {
            var responses = policy.Sample(new SamplingRequest(prompts, SamplesPerPrompt: 2, MaxNewTokens: 6, Seed: i));
            using var scope = NewDisposeScope();
            var scored = policy.Score(responses.Select(r => new ScoringSequence(r.PromptTokenIds, r.TokenIds)).ToList());
            (-(scored.LogProbs.sum()) - scored.Entropies!.sum()).backward();
            using var noGrad = no_grad();
            foreach (var (_, p) in policy.NamedParameters()) p.grad!.zero_();
        }

        for (var i = 0; i < 3; i++) OneStep(i); // gradients exist from here on
        var liveBefore = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 3; i < 11; i++) OneStep(i);
        HuggingFaceWriter.Save((DecoderForCausalLM)policy.Model, Path.Combine(_root, "leak"), new HuggingFaceSaveOptions(MaxShardBytes: 4_000));
        HuggingFaceLoader.LoadDecoder(Path.Combine(_root, "leak"), 64).Dispose();
        Assert.Equal(liveBefore, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Bf16_and_fp16_files_load_into_any_dtype_with_the_stored_values()
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config(tie: true);
        var weights = TinyQwenFolder.RandomWeights(config, seed: 2);
        var bf16 = TinyQwenFolder.Write(Path.Combine(_root, "bf16"), config, weights, ScalarType.BFloat16, shards: 2);
        var fp16 = TinyQwenFolder.Write(Path.Combine(_root, "fp16"), config, weights, ScalarType.Float16, shards: 1);

        using var wide = HuggingFaceLoader.LoadDecoder(bf16, 32, dtype: ScalarType.Float32);
        using var narrow = HuggingFaceLoader.LoadDecoder(bf16, 32, dtype: ScalarType.BFloat16);
        using var half = HuggingFaceLoader.LoadDecoder(fp16, 32, dtype: ScalarType.Float64);
        Assert.Equal((ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float64), (wide.DType, narrow.DType, half.DType));
        var name = "model.layers.0.mlp.up_proj.weight";
        var expected = weights[name];
        Assert.True(Identical.Tensors(expected.to(ScalarType.BFloat16).to(ScalarType.Float32), Parameter(wide, name)));
        Assert.Equal(ScalarType.BFloat16, Parameter(narrow, name).dtype);
        Assert.True(Identical.Tensors(expected.to(ScalarType.BFloat16), Parameter(narrow, name)));
        Assert.True(Identical.Tensors(expected.to(ScalarType.Float16).to(ScalarType.Float64), Parameter(half, name)));

        // The bfloat16 model computes the same function as its float32 widening, to bfloat16 precision.
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 3, 70, 200, 12, 5, 99 }).view(1, 6);
        var positions = arange(6L).view(1, 6);
        var reference = wide.Logits(wide.Forward(ids, positions, null, null));
        var approximate = narrow.Logits(narrow.Forward(ids, positions, null, null)).to(ScalarType.Float32);
        var error = (approximate - reference).abs().max().item<float>() / reference.abs().max().item<float>();
        Assert.InRange(error, 0, 0.05);
    }

    [Fact]
    public void A_fresh_model_is_initialised_like_hugging_face_and_reproducibly()
    {
        var config = DecoderConfig.Create(DecoderFamily.Qwen2, 300, 32, 64, 2, 4, 2, tieWordEmbeddings: false);
        using var a = new DecoderForCausalLM(config, 64, seed: 5);
        using var b = new DecoderForCausalLM(config, 64, seed: 5);
        var pa = a.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in b.NamedParameters()) Assert.True(Identical.Tensors(parameter, pa[name]), name);
        Assert.Equal(0, pa["model.layers.0.self_attn.v_proj.bias"].abs().sum().item<float>());
        Assert.True(pa["model.norm.weight"].eq(1).all().item<bool>());
        Assert.InRange(pa["lm_head.weight"].std().item<float>(), 0.018, 0.022);
    }

    private static TorchSharp.Modules.Parameter Parameter(DecoderForCausalLM model, string name) =>
        model.NamedParameters().Single(p => p.Name == name).Parameter;
}
