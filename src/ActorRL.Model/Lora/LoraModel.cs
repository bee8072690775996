using ActorRL.Model.Decoder;
using ActorRL.Model.Policies;
using ActorRL.Model.Settings;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorRL.Model.Lora;

/// <summary>
/// A pretrained decoder with LoRA adapters: the base weights are frozen (no gradient, so no optimizer state), and
/// <see cref="NamedParameters"/> is the adapters alone, so everything that moves a policy's parameters — the
/// optimizer, weight snapshots to generators, checkpoints — moves only the adapters. A generator built from the same
/// settings loads the same base folder and then takes adapter snapshots. Owns the decoder and the adapters.
/// </summary>
public sealed class LoraModel : ICausalLanguageModel
{
    private readonly long _seed;
    private readonly Lazy<BaseModelFingerprint> _fingerprint;

    /// <param name="baseFolder">The Hugging Face folder the base weights were loaded from (fingerprinted for checkpoints).</param>
    public LoraModel(DecoderForCausalLM baseModel, LoraSettings settings, long seed, string baseFolder)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(settings);
        Base = baseModel;
        _seed = seed;
        BaseFolder = baseFolder;
        // Hashing gigabytes of weights is paid once, and only by whoever checkpoints (the learner, export, eval).
        _fingerprint = new Lazy<BaseModelFingerprint>(() => BaseModelFingerprint.Of(baseFolder));
        foreach (var (_, parameter) in baseModel.NamedParameters()) parameter.requires_grad = false;
        Adapters = new LoraAdapters(baseModel.Config.Layers, DecoderAttention.ProjectionShapes(baseModel.Config), settings, seed,
            baseModel.Device, baseModel.DType);
        baseModel.AttachAdapters(Adapters);
    }

    public DecoderForCausalLM Base { get; }
    public string BaseFolder { get; }

    /// <summary>The base folder and a SHA-256 of its weights, which checkpoints of these adapters record and check.</summary>
    public BaseModelFingerprint Fingerprint => _fingerprint.Value;
    public LoraAdapters Adapters { get; }
    public LoraSettings Settings => Adapters.Settings;

    public int VocabularySize => Base.VocabularySize;
    public int MaxSequenceLength => Base.MaxSequenceLength;
    public Device Device => Base.Device;
    public ScalarType DType => Base.DType;

    public Tensor Forward(Tensor tokenIds, Tensor positionIds, Tensor? attentionMask, IKeyValueCache? cache) =>
        Base.Forward(tokenIds, positionIds, attentionMask, cache);

    public Tensor Logits(Tensor hidden) => Base.Logits(hidden);

    public KvLayout KvLayout => Base.KvLayout;

    public KvCache CreateKvCache(long batchSize, long capacity) => Base.CreateKvCache(batchSize, capacity);

    /// <summary>The adapters only: the trainable, exchanged and checkpointed parameters.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() => Adapters.NamedAdapterParameters();

    /// <summary>
    /// The same base weights (copied: a replica's base must not change under it) with adapters of the same shape,
    /// whose values the caller loads, as for any model.
    /// </summary>
    public ICausalLanguageModel CreateEmpty(Device device)
    {
        var copy = (DecoderForCausalLM)Base.CreateEmpty(device);
        using (NewDisposeScope())
        using (no_grad())
        {
            var source = Base.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            foreach (var (name, parameter) in copy.NamedParameters()) parameter.copy_(source[name]);
        }
        return new LoraModel(copy, Settings, _seed, BaseFolder);
    }

    /// <summary>
    /// Writes W + scale · B A into every adapted base weight and zeroes B, so the model computes the same function with
    /// the change now in the base: what a merged export saves (<see cref="Base"/> then holds plain Hugging Face weights).
    /// </summary>
    public void MergeIntoBase()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weights = Base.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (baseWeight, adapter) in Adapters.ByBaseWeight())
        {
            var weight = weights[baseWeight];
            weight.add_(adapter.MergedDelta().to(weight.dtype));
            adapter.B.zero_();
        }
    }

    public void Dispose()
    {
        Base.AttachAdapters(null);
        Adapters.Dispose();
        Base.Dispose();
    }
}
