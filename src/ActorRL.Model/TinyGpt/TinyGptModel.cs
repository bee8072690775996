using ActorRL.Model.Layers;
using ActorRL.Model.Policies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.TinyGpt;

/// <summary>
/// A small decoder-only transformer: token embedding → pre-norm blocks (RoPE attention, GELU MLP) → final norm →
/// output layer (optionally the transposed embedding). Parameter names follow nanoGPT (wte, h.N.attn.qkv, ln_f,
/// lm_head) and are the names in weight snapshots and safetensors checkpoints.
/// </summary>
public sealed class TinyGptModel : nn.Module, ICausalLanguageModel
{
    private readonly Embedding wte;
    private readonly ModuleList<TransformerBlock> h;
    private readonly nn.Module<Tensor, Tensor> ln_f;
    private readonly Linear? lm_head;
    private readonly Tensor rope_cos;
    private readonly Tensor rope_sin; // first half negated: see RotaryEmbedding.SignedSin

    /// <summary>Builds the model with weights drawn from a generator seeded with <paramref name="seed"/> (same seed, same weights).</summary>
    public TinyGptModel(TinyGptConfig config, long seed, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(TinyGptModel))
    {
        config.Validate();
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"TinyGpt needs a floating-point dtype, got {dtype}", nameof(dtype));
        Config = config;
        wte = nn.Embedding(config.VocabularySize, config.DModel);
        h = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new TransformerBlock(config)).ToArray());
        ln_f = TransformerBlock.Norm(config);
        lm_head = config.TieEmbeddings ? null : nn.Linear(config.DModel, config.VocabularySize, hasBias: false);
        using (var scope = NewDisposeScope())
        {
            var (cos, sin) = RotaryEmbedding.Tables(config.MaxSequenceLength, config.HeadDim, config.RopeTheta);
            rope_cos = cos.MoveToOuterDisposeScope();
            rope_sin = RotaryEmbedding.SignedSin(sin).MoveToOuterDisposeScope();
        }
        RegisterComponents(); // also registers the RoPE tables as buffers, so .to(device/dtype) moves them
        Initialise(seed);
        this.to(dtype);
        this.to(device ?? CPU);
        // Cached: each read of a module's weight property allocates a new tensor handle.
        Device = device ?? CPU;
        DType = dtype;
    }

    public TinyGptConfig Config { get; }
    public int VocabularySize => Config.VocabularySize;
    public int MaxSequenceLength => Config.MaxSequenceLength;
    /// <summary>Where the weights live (fixed at construction; build the model on its target device).</summary>
    public Device Device { get; }
    public ScalarType DType { get; }

    public Tensor Forward(Tensor tokenIds, Tensor positionIds, Tensor? attentionMask, IKeyValueCache? cache)
    {
        if (attentionMask is null && cache is { Length: > 0 })
            throw new ArgumentException("decoding after cached positions needs an explicit attention mask", nameof(attentionMask));
        var (b, t) = (tokenIds.shape[0], tokenIds.shape[1]);
        var x = wte.forward(tokenIds);
        // Look RoPE angles up by position id (not by column), so padding does not shift positions.
        var flatPositions = positionIds.reshape(-1);
        var cos = rope_cos.index_select(0, flatPositions).view(b, 1, t, Config.HeadDim);
        var sin = rope_sin.index_select(0, flatPositions).view(b, 1, t, Config.HeadDim);
        for (var i = 0; i < h.Count; i++) x = h[i].Forward(x, cos, sin, attentionMask, cache, i);
        cache?.Advance(t);
        return ln_f.forward(x);
    }

    public Tensor Logits(Tensor hidden) => lm_head is null ? F.linear(hidden, wte.weight!) : lm_head.forward(hidden);

    public KvLayout KvLayout => new(Config.Layers, Config.Heads, Config.HeadDim);

    public KvCache CreateKvCache(long batchSize, long capacity) =>
        new(Config.Layers, batchSize, Config.Heads, capacity, Config.HeadDim, DType, Device);

    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() =>
        named_parameters().Select(p => (p.name, p.parameter)).ToList();

    public ICausalLanguageModel CreateEmpty(Device device) => new TinyGptModel(Config, seed: 0, device, DType);

    /// <summary>GPT-2 initialisation from our own generator (global RNG state stays untouched).</summary>
    private void Initialise(long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        var residualStd = Config.InitStd / Math.Sqrt(2.0 * Config.Layers);
        foreach (var (name, parameter) in named_parameters())
        {
            if (parameter.dim() != 2) continue; // norm gains stay 1, biases 0
            var isResidualOutput = name.EndsWith(".attn.proj.weight", StringComparison.Ordinal)
                                   || name.EndsWith(".fc_proj.weight", StringComparison.Ordinal);
            parameter.normal_(0.0, isResidualOutput ? residualStd : Config.InitStd, generator);
        }
    }
}
