using ActorRL.Model.Tokenizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorRL.Model.Policies;

/// <summary>
/// A language-model policy: samples responses with the behaviour log-probs a learner needs, scores given
/// responses differentiably, and exchanges versioned weights. Not thread-safe: one thread owns a policy
/// (TorchSharp's dispose scopes and grad mode are per thread).
/// </summary>
public interface IPolicy : IDisposable
{
    ITokenizer Tokenizer { get; }

    /// <summary>Version of the weights currently loaded (recorded on every sampled token).</summary>
    long Version { get; }

    /// <summary>Sets <see cref="Version"/>: the learner advances it after each update of these (its own) weights.</summary>
    void SetVersion(long version);

    Device Device { get; }
    int MaxSequenceLength { get; }

    /// <summary>
    /// Starts a step-wise decode of <paramref name="request"/>. Each <see cref="ISamplingSession.Step"/> produces one
    /// token for every unfinished response; <see cref="LoadWeights"/> may be called between steps (an in-flight weight
    /// update) and later tokens record the new <see cref="Version"/>. Keys/values already cached stay as computed
    /// by the older weights, as in AReaL/PipelineRL in-flight updates.
    /// </summary>
    ISamplingSession BeginSampling(SamplingRequest request);

    /// <summary>
    /// Starts a continuous batch (a generator's decode loop): prompts join and leave while it runs, and
    /// <see cref="LoadWeights"/> may be called between its steps (see <see cref="Batching.WeightUpdateMode"/>).
    /// </summary>
    Batching.IContinuousBatch BeginContinuousBatch(Batching.ContinuousBatchOptions options);

    /// <summary>Samples to completion: responses ordered prompt by prompt, <c>SamplesPerPrompt</c> each.</summary>
    IReadOnlyList<SampledResponse> Sample(SamplingRequest request);

    /// <summary>
    /// Log-probs and entropies of each response token given its prompt and the preceding response tokens, under
    /// the current weights, with gradients (call inside <c>torch.no_grad()</c> when none are wanted).
    /// </summary>
    ScoreResult Score(IReadOnlyList<ScoringSequence> batch, ScoreOptions? options = null);

    /// <summary>The trainable parameters, for an optimizer.</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters();

    /// <summary>A copy of the weights on <paramref name="device"/> (CPU when null), tagged with <see cref="Version"/>.</summary>
    PolicyWeights ExportWeights(Device? device = null);

    /// <summary>Copies <paramref name="weights"/> into this policy's own parameters and adopts its version.</summary>
    void LoadWeights(PolicyWeights weights);

    /// <summary>An independent policy of the same architecture and tokenizer holding a copy of the current weights (a generator's replica).</summary>
    IPolicy CreateReplica(Device? device = null);
}

/// <summary>A decode in progress; see <see cref="IPolicy.BeginSampling"/>. Dispose frees its KV cache.</summary>
public interface ISamplingSession : IDisposable
{
    bool IsFinished { get; }

    /// <summary>Responses still being decoded.</summary>
    int ActiveCount { get; }

    /// <summary>Generates one token for every unfinished response; returns how many tokens it produced (0 once finished).</summary>
    int Step();

    /// <summary>The finished responses (prompt-major); throws while <see cref="IsFinished"/> is false.</summary>
    IReadOnlyList<SampledResponse> Results { get; }
}
