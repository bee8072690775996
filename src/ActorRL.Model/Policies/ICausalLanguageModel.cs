using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorRL.Model.Policies;

/// <summary>
/// A decoder-only network as the sampler and scorer see it. TinyGpt and DecoderForCausalLM (Qwen2, Qwen3, Llama) implement it; another model can
/// implement it too and get KV-cache sampling, scoring, weight sync and checkpoints from <see cref="CausalLmPolicy"/>.
/// </summary>
public interface ICausalLanguageModel : IDisposable
{
    int VocabularySize { get; }
    int MaxSequenceLength { get; }
    Device Device { get; }
    ScalarType DType { get; }

    /// <summary>
    /// Hidden states [B, T, D] of <paramref name="tokenIds"/> [B, T] at <paramref name="positionIds"/> [B, T].
    /// <paramref name="attentionMask"/> is a boolean [B, 1, T, S] (true = may attend) over the S = cached + T keys;
    /// null means plain causal attention over the T tokens (valid only when the cache is null or empty).
    /// With a cache, the new keys/values are appended at <see cref="KvCache.Length"/> and the length advanced.
    /// </summary>
    Tensor Forward(Tensor tokenIds, Tensor positionIds, Tensor? attentionMask, IKeyValueCache? cache);

    /// <summary>Output-layer logits [.., V] of hidden states [.., D].</summary>
    Tensor Logits(Tensor hidden);

    /// <summary>Layers, key/value heads and head size of the keys and values an attention layer caches.</summary>
    KvLayout KvLayout { get; }

    /// <summary>An empty cache for <paramref name="batchSize"/> rows of up to <paramref name="capacity"/> positions.</summary>
    KvCache CreateKvCache(long batchSize, long capacity);

    /// <summary>Trainable parameters with stable names (the names used in weight snapshots and checkpoints).</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters();

    /// <summary>A new model of the same architecture on <paramref name="device"/>, with its own (uninitialised-by-contract) tensors.</summary>
    ICausalLanguageModel CreateEmpty(Device device);
}
