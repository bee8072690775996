using ActorRL.Model.Tokenizers;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.Policies;

/// <summary>
/// The <see cref="IPolicy"/> of any <see cref="ICausalLanguageModel"/>: KV-cache sampling, differentiable scoring,
/// and versioned weight exchange. Owns the model.
/// </summary>
public sealed class CausalLmPolicy : IPolicy
{
    public CausalLmPolicy(ICausalLanguageModel model, ITokenizer tokenizer, long version = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.VocabularySize > model.VocabularySize)
            throw new ArgumentException(
                $"the tokenizer has {tokenizer.VocabularySize} ids but the model's vocabulary holds only {model.VocabularySize}");
        Model = model;
        Tokenizer = tokenizer;
        Version = version;
    }

    public ICausalLanguageModel Model { get; }
    public ITokenizer Tokenizer { get; }
    public long Version { get; private set; }

    public void SetVersion(long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        Version = version;
    }
    public Device Device => Model.Device;
    public int MaxSequenceLength => Model.MaxSequenceLength;

    public ISamplingSession BeginSampling(SamplingRequest request) => new SamplingSession(this, request);

    public Batching.IContinuousBatch BeginContinuousBatch(Batching.ContinuousBatchOptions options) => new Batching.ContinuousBatch(this, options);

    public IReadOnlyList<SampledResponse> Sample(SamplingRequest request)
    {
        using var session = BeginSampling(request);
        while (!session.IsFinished) session.Step();
        return session.Results;
    }

    /// <remarks>
    /// Layout: each row is prompt ++ response ++ right padding, so plain causal attention never lets a real token
    /// see padding and no mask is needed. Only the hidden states that predict response tokens go through the
    /// output layer (prompt positions would waste a [B, T, V] matmul).
    /// </remarks>
    public ScoreResult Score(IReadOnlyList<ScoringSequence> batch, ScoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        options ??= new ScoreOptions();
        if (batch.Count == 0) throw new ArgumentException("cannot score an empty batch", nameof(batch));
        if (!(options.Temperature >= 0) || double.IsInfinity(options.Temperature))
            throw new ArgumentException($"temperature must be a finite number ≥ 0, got {options.Temperature}", nameof(options));

        var rows = batch.Count;
        var width = 0;
        var responseWidth = 0;
        for (var b = 0; b < rows; b++)
        {
            var (prompt, response) = (batch[b].Prompt, batch[b].Response);
            if (prompt.Count == 0)
                throw new ArgumentException($"sequence {b} has an empty prompt; its first response token would have no context", nameof(batch));
            if (prompt.Count + response.Count > MaxSequenceLength)
                throw new ArgumentException(
                    $"sequence {b} is {prompt.Count} + {response.Count} tokens, longer than the model's max sequence length {MaxSequenceLength}", nameof(batch));
            width = Math.Max(width, prompt.Count + response.Count);
            responseWidth = Math.Max(responseWidth, response.Count);
        }
        responseWidth = Math.Max(responseWidth, 1);

        var tokens = new long[rows * width];
        var targets = new long[rows * responseWidth];
        var predictedFrom = new long[rows * responseWidth];
        var mask = new float[rows * responseWidth];
        var lengths = new int[rows];
        for (var b = 0; b < rows; b++)
        {
            var (prompt, response) = (batch[b].Prompt, batch[b].Response);
            Array.Fill(tokens, Tokenizer.PadId, b * width, width);
            for (var i = 0; i < prompt.Count; i++) tokens[b * width + i] = CheckId(prompt[i], b);
            for (var i = 0; i < response.Count; i++) tokens[b * width + prompt.Count + i] = CheckId(response[i], b);
            for (var t = 0; t < responseWidth; t++)
            {
                var real = t < response.Count;
                // Hidden state at position p predicts token p + 1; padded slots read a harmless real position.
                predictedFrom[b * responseWidth + t] = prompt.Count - 1 + (real ? t : 0);
                targets[b * responseWidth + t] = real ? response[t] : 0;
                mask[b * responseWidth + t] = real ? 1f : 0f;
            }
            lengths[b] = response.Count;
        }

        var device = Device;
        var tokenTensor = tensor(tokens, [rows, width], device: device);
        var positions = arange(width, ScalarType.Int64, device).unsqueeze(0).expand(rows, width);
        var hidden = Model.Forward(tokenTensor, positions, attentionMask: null, cache: null);
        var index = tensor(predictedFrom, [rows, responseWidth, 1], device: device).expand(rows, responseWidth, hidden.shape[2]);
        var temperature = options.Temperature is 0 or 1 ? 1.0 : options.Temperature;
        var logProbs = LogSoftmaxFreeingLogits(Model.Logits(hidden.gather(1, index)), temperature);
        var maskTensor = tensor(mask, [rows, responseWidth], device: device).to(logProbs.dtype);
        var targetTensor = tensor(targets, [rows, responseWidth, 1], device: device);
        var tokenLogProbs = logProbs.gather(-1, targetTensor).squeeze(-1) * maskTensor;
        Tensor? entropies = null;
        if (options.ComputeEntropy)
        {
            using var graph = options.EntropyGradient ? null : no_grad();
            using var probabilities = logProbs.exp();
            using var weighted = probabilities * logProbs;
            entropies = -weighted.sum(-1) * maskTensor;
        }
        // The [B, T, V] log-probs stay alive only as long as the graph needs them (log_softmax's backward).
        logProbs.Dispose();
        return new ScoreResult(tokenLogProbs, entropies, maskTensor, lengths);

        long CheckId(int id, int row) =>
            (uint)id < (uint)Model.VocabularySize
                ? id
                : throw new ArgumentException($"sequence {row} holds token id {id}, outside the vocabulary (size {Model.VocabularySize})", nameof(batch));
    }

    /// <summary>
    /// log softmax(logits / T) over the tokenizer's ids, freeing every [B, T, V] step on the way as soon as the next
    /// exists: none of them is needed by the backward pass (log_softmax keeps its own output; the matmul, the
    /// narrowing, the widening and the division need no values back), so only one such tensor is held at a time.
    /// Half-precision logits are widened to float32 before softmax: log-probs of rare tokens and the ratios built
    /// from them are too coarse in 8 mantissa bits.
    /// </summary>
    private Tensor LogSoftmaxFreeingLogits(Tensor logits, double temperature)
    {
        var current = logits;
        Tensor Then(Tensor next)
        {
            if (!ReferenceEquals(next, current)) current.Dispose();
            return current = next;
        }
        Then(ForSoftmax(current, Tokenizer.VocabularySize));
        if (temperature != 1.0) Then(current / temperature);
        return Then(F.log_softmax(current, -1));
    }

    /// <summary>
    /// Logits ready for a softmax: half precision widened to float32, and only the tokenizer's ids kept. A model's
    /// output layer may be padded past the tokenizer (Qwen2.5: 151,936 rows for 151,665 ids); those rows are no
    /// token, so sampling must never draw them and scoring must normalise over real tokens only, both the same way.
    /// </summary>
    internal static Tensor ForSoftmax(Tensor logits, int tokenizerVocabulary)
    {
        if (logits.shape[^1] > tokenizerVocabulary) logits = logits.narrow(-1, 0, tokenizerVocabulary);
        return logits.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? logits.to(ScalarType.Float32) : logits;
    }

    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() => Model.NamedParameters();

    public PolicyWeights ExportWeights(Device? device = null)
    {
        var target = device ?? CPU;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var copies = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in Model.NamedParameters())
        {
            // copy: true — on the same device `to` would otherwise return the live parameter's storage.
            copies[name] = parameter.detach().to(target, copy: true).DetachFromDisposeScope();
        }
        return new PolicyWeights(Version, copies);
    }

    public void LoadWeights(PolicyWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var parameters = Model.NamedParameters();
        var incoming = weights.Tensors;
        var missing = parameters.Select(p => p.Name).Where(n => !incoming.ContainsKey(n)).ToList();
        var unexpected = incoming.Keys.Except(parameters.Select(p => p.Name)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new ArgumentException(
                $"weights (version {weights.Version}) do not match the model: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]",
                nameof(weights));
        foreach (var (name, parameter) in parameters)
        {
            var source = incoming[name];
            if (!source.shape.SequenceEqual(parameter.shape))
                throw new ArgumentException(
                    $"weight '{name}' has shape [{string.Join(", ", source.shape)}], the model expects [{string.Join(", ", parameter.shape)}]", nameof(weights));
        }
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            foreach (var (name, parameter) in parameters) parameter.copy_(incoming[name]);
        }
        Version = weights.Version;
    }

    public IPolicy CreateReplica(Device? device = null)
    {
        var replica = new CausalLmPolicy(Model.CreateEmpty(device ?? Device), Tokenizer, Version);
        using var weights = ExportWeights(device ?? Device);
        replica.LoadWeights(weights);
        return replica;
    }

    public void Dispose() => Model.Dispose();
}
