using ActorRL.Model.Policies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.Qwen2;

/// <summary>
/// A Qwen2-architecture decoder (Qwen Team 2024, "Qwen2 Technical Report"): token embedding → pre-norm blocks
/// (RMSNorm, grouped-query attention with q/k/v biases and RoPE, SwiGLU MLP) → final RMSNorm → output layer,
/// tied to the embedding or separate. Parameter names are exactly Hugging Face's (model.embed_tokens.weight,
/// model.layers.N.self_attn.q_proj.weight, …, model.norm.weight, lm_head.weight), so loading and saving a
/// Hugging Face folder is a name match. Wrapped in a <see cref="CausalLmPolicy"/> it samples with a KV cache,
/// scores differentiably and exchanges versioned weights like TinyGpt.
/// </summary>
public sealed class Qwen2ForCausalLM : nn.Module, ICausalLanguageModel
{
    private readonly Qwen2Backbone model;
    private readonly Linear? lm_head;

    /// <summary>
    /// Allocates every parameter directly on <paramref name="device"/> in <paramref name="dtype"/> (no CPU float32
    /// copy of a large model on the way). With a <paramref name="seed"/> the weights are drawn as Hugging Face
    /// initialises a fresh model (normal(0, initializer_range) matrices, zero biases, unit norm gains); without
    /// one their values are whatever the allocation left and must be loaded (see HuggingFace.PretrainedModel).
    /// </summary>
    /// <param name="maxSequenceLength">Longest prompt + response this instance accepts (RoPE tables, cache bound); at most max_position_embeddings.</param>
    public Qwen2ForCausalLM(Qwen2Config config, int maxSequenceLength, Device? device = null, ScalarType dtype = ScalarType.Float32, long? seed = null)
        : base(nameof(Qwen2ForCausalLM))
    {
        config.Validate();
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"Qwen2 needs a floating-point dtype (float32, float64, bfloat16, float16), got {dtype}", nameof(dtype));
        if (maxSequenceLength < 2 || maxSequenceLength > config.MaxPositionEmbeddings)
            throw new ArgumentException(
                $"max sequence length {maxSequenceLength} must lie in [2, max_position_embeddings = {config.MaxPositionEmbeddings}]", nameof(maxSequenceLength));
        device ??= CPU;
        Config = config;
        MaxSequenceLength = maxSequenceLength;
        Device = device;
        DType = dtype;
        model = new Qwen2Backbone(config, maxSequenceLength, device, dtype);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabularySize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
        if (seed is { } s) Initialise(s);
    }

    public Qwen2Config Config { get; }
    public int VocabularySize => Config.VocabularySize;
    public int MaxSequenceLength { get; }
    public Device Device { get; }
    public ScalarType DType { get; }

    public Tensor Forward(Tensor tokenIds, Tensor positionIds, Tensor? attentionMask, KvCache? cache)
    {
        if (attentionMask is null && cache is { Length: > 0 })
            throw new ArgumentException("decoding after cached positions needs an explicit attention mask", nameof(attentionMask));
        var hidden = model.Forward(tokenIds, positionIds, attentionMask, cache);
        cache?.Advance(tokenIds.shape[1]);
        return hidden;
    }

    public Tensor Logits(Tensor hidden) => lm_head is null ? F.linear(hidden, model.EmbeddingWeight) : lm_head.forward(hidden);

    public KvCache CreateKvCache(long batchSize, long capacity) =>
        new(Config.Layers, batchSize, Config.KeyValueHeads, capacity, Config.HeadDim, DType, Device);

    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() =>
        named_parameters().Select(p => (p.name, p.parameter)).ToList();

    public ICausalLanguageModel CreateEmpty(Device device) => new Qwen2ForCausalLM(Config, MaxSequenceLength, device, DType);

    /// <summary>Hugging Face's _init_weights, drawn from our own generator (the global RNG stays untouched).</summary>
    private void Initialise(long seed)
    {
        using var generator = new Generator((ulong)seed, Device);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (parameter.dim() == 2) parameter.normal_(0.0, Config.InitializerRange, generator);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else parameter.fill_(1.0); // RMSNorm gains
        }
    }
}
