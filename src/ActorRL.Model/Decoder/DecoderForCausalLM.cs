using ActorRL.Model.Policies;
using ActorRL.Model.Layers;
using ActorRL.Model.Lora;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.Decoder;

// The Qwen2 / Qwen3 / Llama decoder in one file, read top to bottom: norm, attention, MLP, block, stack, model.
// Field names are Hugging Face's (model.layers.N.self_attn.q_proj.weight, …), so loading and saving a Hugging Face
// folder is a name match. The three families differ only where DecoderConfig says (AttentionBias, QkNorm).

/// <summary>
/// RMSNorm as Hugging Face's Qwen2/Qwen3/Llama RMSNorm computes it: the statistics and the scaling in float32
/// whatever the model's dtype, then back to that dtype before the gain is applied. In bfloat16 this order matters
/// (TinyGpt's RmsNorm stays in the input dtype), so a checkpoint gives the numbers it was trained with.
/// </summary>
public sealed class DecoderRmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public DecoderRmsNorm(long size, double eps, Device device, ScalarType dtype) : base(nameof(DecoderRmsNorm))
    {
        weight = new Parameter(ones(size, dtype, device));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var wide = x.to(ScalarType.Float32);
        var normed = wide * (wide.square().mean([-1L], keepdim: true) + _eps).rsqrt();
        return (weight * normed.to(x.dtype)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Grouped-query self-attention (Ainslie et al. 2023): Heads query heads share KeyValueHeads key/value heads, query
/// head h reading key/value head h / GroupSize. Qwen2 gives q/k/v biases; Qwen3 instead normalises every query and
/// key head with its own RMSNorm over head_dim (q_norm, k_norm) before RoPE. The KV cache holds only the
/// KeyValueHeads heads (the memory saving GQA exists for); they are repeated per query head at attention time, as
/// Hugging Face's repeat_kv does.
/// </summary>
public sealed class DecoderAttention : nn.Module
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
    private readonly DecoderRmsNorm? q_norm;
    private readonly DecoderRmsNorm? k_norm;
    private readonly long _heads;
    private readonly long _kvHeads;
    private readonly long _headDim;

    public DecoderAttention(DecoderConfig config, Device device, ScalarType dtype) : base(nameof(DecoderAttention))
    {
        _heads = config.Heads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        var bias = config.AttentionBias;
        q_proj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: bias, device: device, dtype: dtype);
        k_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: bias, device: device, dtype: dtype);
        v_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: bias, device: device, dtype: dtype);
        o_proj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false, device: device, dtype: dtype);
        if (config.QkNorm)
        {
            q_norm = new DecoderRmsNorm(_headDim, config.RmsNormEps, device, dtype);
            k_norm = new DecoderRmsNorm(_headDim, config.RmsNormEps, device, dtype);
        }
        RegisterComponents();
    }

    /// <param name="x">[B, T, hidden]</param>
    /// <param name="cos">RoPE angles at the tokens' positions, [B, 1, T, head_dim] (sin likewise).</param>
    /// <param name="mask">Boolean [B, 1, T, S] or null for plain causal attention (empty cache only).</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, IKeyValueCache? cache, int layer, LoraAdapters? lora)
    {
        var (b, t) = (x.shape[0], x.shape[1]);
        var q = Projection.Apply(q_proj, x, lora?.For(layer, "q_proj")).view(b, t, _heads, _headDim);
        var k = Projection.Apply(k_proj, x, lora?.For(layer, "k_proj")).view(b, t, _kvHeads, _headDim);
        if (q_norm is not null) (q, k) = (q_norm.forward(q), k_norm!.forward(k));
        // All three families rotate in the rotate-half layout (dimension i pairs with i + head_dim/2), TinyGpt's too.
        q = RotaryEmbedding.Apply(q.transpose(1, 2), cos, sin);
        k = RotaryEmbedding.Apply(k.transpose(1, 2), cos, sin);
        var v = Projection.Apply(v_proj, x, lora?.For(layer, "v_proj")).view(b, t, _kvHeads, _headDim).transpose(1, 2);
        if (cache is not null) (k, v) = cache.Append(layer, k, v);
        var group = (int)(_heads / _kvHeads);
        var y = cache is null ? Attention.Compute(q, k, v, mask, group) : cache.Attend(q, k, v, mask, group);
        return Projection.Apply(o_proj, y.transpose(1, 2).reshape(b, t, _heads * _headDim), lora?.For(layer, "o_proj"));
    }

    /// <summary>(in, out) features of each projection, for adapters.</summary>
    public static IReadOnlyDictionary<string, (long In, long Out)> ProjectionShapes(DecoderConfig config) => new Dictionary<string, (long, long)>
    {
        ["q_proj"] = (config.HiddenSize, (long)config.Heads * config.HeadDim),
        ["k_proj"] = (config.HiddenSize, (long)config.KeyValueHeads * config.HeadDim),
        ["v_proj"] = (config.HiddenSize, (long)config.KeyValueHeads * config.HeadDim),
        ["o_proj"] = ((long)config.Heads * config.HeadDim, config.HiddenSize),
        ["gate_proj"] = (config.HiddenSize, config.IntermediateSize),
        ["up_proj"] = (config.HiddenSize, config.IntermediateSize),
        ["down_proj"] = (config.IntermediateSize, config.HiddenSize),
    };
}

/// <summary>A projection W x, plus its LoRA adapter's scale · B A x when it has one.</summary>
internal static class Projection
{
    public static Tensor Apply(Linear projection, Tensor x, LoraAdapter? adapter) =>
        adapter is null ? projection.forward(x) : projection.forward(x) + adapter.Delta(x);
}

/// <summary>SwiGLU feed-forward (Shazeer 2020): down_proj(silu(gate_proj(x)) · up_proj(x)), no biases.</summary>
public sealed class SwiGluMlp : nn.Module
{
    private readonly Linear gate_proj;
    private readonly Linear up_proj;
    private readonly Linear down_proj;

    public SwiGluMlp(DecoderConfig config, Device device, ScalarType dtype) : base(nameof(SwiGluMlp))
    {
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, int layer, LoraAdapters? lora) =>
        Projection.Apply(down_proj,
            F.silu(Projection.Apply(gate_proj, x, lora?.For(layer, "gate_proj"))) * Projection.Apply(up_proj, x, lora?.For(layer, "up_proj")),
            lora?.For(layer, "down_proj"));
}

/// <summary>Pre-norm block: x + self_attn(input_layernorm(x)), then x + mlp(post_attention_layernorm(x)).</summary>
public sealed class DecoderLayer : nn.Module
{
    private readonly DecoderRmsNorm input_layernorm;
    private readonly DecoderAttention self_attn;
    private readonly DecoderRmsNorm post_attention_layernorm;
    private readonly SwiGluMlp mlp;

    public DecoderLayer(DecoderConfig config, Device device, ScalarType dtype) : base(nameof(DecoderLayer))
    {
        input_layernorm = new DecoderRmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        self_attn = new DecoderAttention(config, device, dtype);
        post_attention_layernorm = new DecoderRmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        mlp = new SwiGluMlp(config, device, dtype);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, IKeyValueCache? cache, int layer, LoraAdapters? lora)
    {
        x = x + self_attn.Forward(input_layernorm.forward(x), cos, sin, mask, cache, layer, lora);
        return x + mlp.Forward(post_attention_layernorm.forward(x), layer, lora);
    }
}

/// <summary>
/// The decoder stack without the output layer (Hugging Face's Qwen2Model / Qwen3Model / LlamaModel, registered as
/// <c>model</c>): embed_tokens → layers → norm.
/// </summary>
public sealed class DecoderBackbone : nn.Module
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly DecoderRmsNorm norm;
    private readonly Tensor rope_cos;
    private readonly Tensor rope_sin;
    private readonly long _headDim;

    public DecoderBackbone(DecoderConfig config, int maxSequenceLength, Device device, ScalarType dtype) : base(nameof(DecoderBackbone))
    {
        embed_tokens = nn.Embedding(config.VocabularySize, config.HiddenSize, device: device, dtype: dtype);
        layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new DecoderLayer(config, device, dtype)).ToArray());
        norm = new DecoderRmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        _headDim = config.HeadDim;
        // Angles in float64, rounded once to the model's dtype, as Hugging Face casts cos/sin to the activations' dtype.
        using (var scope = NewDisposeScope())
        {
            var (cos, sin) = RotaryEmbedding.Tables(maxSequenceLength, config.HeadDim, config.RopeTheta);
            rope_cos = cos.to(dtype, device).DetachFromDisposeScope();
            rope_sin = sin.to(dtype, device).DetachFromDisposeScope();
        }
        RegisterComponents(); // the RoPE tables become buffers: not parameters, never saved
    }

    /// <summary>The token embedding [vocab, hidden] (also the output layer when embeddings are tied).</summary>
    public Parameter EmbeddingWeight => embed_tokens.weight!;

    public Tensor Forward(Tensor tokenIds, Tensor positionIds, Tensor? attentionMask, IKeyValueCache? cache, LoraAdapters? lora)
    {
        var (b, t) = (tokenIds.shape[0], tokenIds.shape[1]);
        var x = embed_tokens.forward(tokenIds);
        // Look RoPE angles up by position id (not by column), so left padding does not shift positions.
        var flatPositions = positionIds.reshape(-1);
        var cos = rope_cos.index_select(0, flatPositions).view(b, 1, t, _headDim);
        var sin = rope_sin.index_select(0, flatPositions).view(b, 1, t, _headDim);
        for (var i = 0; i < layers.Count; i++) x = layers[i].Forward(x, cos, sin, attentionMask, cache, i, lora);
        return norm.forward(x);
    }
}

/// <summary>
/// A Qwen2, Qwen3 or Llama decoder (Qwen Team 2024, "Qwen2 Technical Report"; Qwen Team 2025, "Qwen3 Technical
/// Report"; Grattafiori et al. 2024, "The Llama 3 Herd of Models"): token embedding → pre-norm blocks (RMSNorm,
/// grouped-query attention with RoPE, SwiGLU MLP) → final RMSNorm → output layer, tied to the embedding or separate.
/// Wrapped in a <see cref="CausalLmPolicy"/> it samples with a KV cache, scores differentiably and exchanges
/// versioned weights like TinyGpt.
/// </summary>
public sealed class DecoderForCausalLM : nn.Module, ICausalLanguageModel
{
    private readonly DecoderBackbone model;
    private readonly Linear? lm_head;
    // Not a registered component: the adapters are not part of the Hugging Face model (loading and saving a folder
    // never sees them); LoraModel owns them and attaches them here.
    private LoraAdapters? _adapters;

    /// <summary>
    /// Allocates every parameter directly on <paramref name="device"/> in <paramref name="dtype"/> (no CPU float32
    /// copy of a large model on the way). With a <paramref name="seed"/> the weights are drawn as Hugging Face
    /// initialises a fresh model (normal(0, initializer_range) matrices, zero biases, unit norm gains); without
    /// one their values are whatever the allocation left and must be loaded (see HuggingFace.HuggingFaceLoader).
    /// </summary>
    /// <param name="maxSequenceLength">Longest prompt + response this instance accepts (RoPE tables, cache bound); at most max_position_embeddings.</param>
    public DecoderForCausalLM(DecoderConfig config, int maxSequenceLength, Device? device = null, ScalarType dtype = ScalarType.Float32, long? seed = null)
        : base(nameof(DecoderForCausalLM))
    {
        config.Validate();
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"a decoder needs a floating-point dtype (float32, float64, bfloat16, float16), got {dtype}", nameof(dtype));
        if (maxSequenceLength < 2 || maxSequenceLength > config.MaxPositionEmbeddings)
            throw new ArgumentException(
                $"max sequence length {maxSequenceLength} must lie in [2, max_position_embeddings = {config.MaxPositionEmbeddings}]", nameof(maxSequenceLength));
        device ??= CPU;
        Config = config;
        MaxSequenceLength = maxSequenceLength;
        Device = device;
        DType = dtype;
        model = new DecoderBackbone(config, maxSequenceLength, device, dtype);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabularySize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
        if (seed is { } s) Initialise(s);
    }

    public DecoderConfig Config { get; }
    public int VocabularySize => Config.VocabularySize;
    public int MaxSequenceLength { get; }
    public Device Device { get; }
    public ScalarType DType { get; }

    public Tensor Forward(Tensor tokenIds, Tensor positionIds, Tensor? attentionMask, IKeyValueCache? cache)
    {
        if (attentionMask is null && cache is { Length: > 0 })
            throw new ArgumentException("decoding after cached positions needs an explicit attention mask", nameof(attentionMask));
        var hidden = model.Forward(tokenIds, positionIds, attentionMask, cache, _adapters);
        cache?.Advance(tokenIds.shape[1]);
        return hidden;
    }

    public Tensor Logits(Tensor hidden) => lm_head is null ? F.linear(hidden, model.EmbeddingWeight) : lm_head.forward(hidden);

    public KvLayout KvLayout => new(Config.Layers, Config.KeyValueHeads, Config.HeadDim);

    public KvCache CreateKvCache(long batchSize, long capacity) =>
        new(Config.Layers, batchSize, Config.KeyValueHeads, capacity, Config.HeadDim, DType, Device);

    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() =>
        named_parameters().Select(p => (p.name, p.parameter)).ToList();

    public ICausalLanguageModel CreateEmpty(Device device) => new DecoderForCausalLM(Config, MaxSequenceLength, device, DType);

    /// <summary>Every projection named in <paramref name="adapters"/> adds its adapter's output from now on (null: none).</summary>
    internal void AttachAdapters(LoraAdapters? adapters) => _adapters = adapters;

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
