using System.Diagnostics;
using ActorRL.Model.Policies;
using ActorRL.Model.SafeTensors;
using ActorRL.Model.Tokenizers;
using ActorRL.Model.Training;
using static TorchSharp.torch;

namespace ActorRL.Benchmarks.Model;

/// <summary>
/// ActorRL's side of one model benchmark case: the workloads bench/pytorch_peer.py runs, on any
/// <see cref="ICausalLanguageModel"/> (TinyGpt, the Hugging Face decoder) through the pipeline's own
/// <see cref="CausalLmPolicy"/>, so the sampling loop and the scoring are the engine's, not a benchmark copy.
/// </summary>
internal sealed class PolicyWorkload : IDisposable
{
    private readonly ModelBenchmarkOptions _options;
    private readonly CausalLmPolicy _policy;
    private readonly AdamW _optimizer;
    private readonly IReadOnlyList<int> _prompt;
    private readonly List<ScoringSequence> _batch;
    private readonly float[] _advantages;

    /// <summary>Takes ownership of <paramref name="model"/>.</summary>
    public PolicyWorkload(ModelBenchmarkOptions options, ICausalLanguageModel model)
    {
        _options = options;
        _policy = new CausalLmPolicy(model, new OpaqueTokenizer(options.Vocabulary));
        _optimizer = new AdamW(_policy.NamedParameters(), 0.9, 0.99, 1e-8, 0.01);
        var random = new Random(0);
        int[] RandomIds(int count) => Enumerable.Range(0, count).Select(_ => random.Next(3, options.Vocabulary)).ToArray();
        _prompt = RandomIds(options.PromptLength);
        _batch = Enumerable.Range(0, options.LearnerRows)
            .Select(_ => new ScoringSequence(RandomIds(options.PromptLength), RandomIds(options.LearnerResponseLength))).ToList();
        _advantages = Enumerable.Range(0, options.LearnerRows).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        Info = $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, {_policy.NamedParameters().Sum(p => p.Parameter.numel()):N0} parameters";
    }

    public string Info { get; }

    /// <summary>The first learner sequences: what the peer and we both score to show they compute the same function.</summary>
    public IReadOnlyList<ScoringSequence> CheckBatch(int rows) => _batch.Take(rows).ToList();

    /// <summary>The current weights as a float32 safetensors file under our parameter names (the peer loads it by name).</summary>
    public void WriteWeights(string path)
    {
        using var weights = _policy.ExportWeights();
        SafeTensorsWriter.Write(path, weights.Tensors);
    }

    /// <summary>Log-probs of the response tokens of <paramref name="batch"/>, row after row, as the learner step scores them.</summary>
    public double[] ResponseLogProbs(IReadOnlyList<ScoringSequence> batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _policy.Score(batch, new ScoreOptions(ComputeEntropy: false)).LogProbs.to(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>Seconds to sample <c>SamplingRows</c> responses of exactly <paramref name="length"/> tokens.</summary>
    public double Sample(int length, bool cache, int seed)
    {
        var request = new SamplingRequest([_prompt], _options.SamplingRows, Temperature: 1.0, MaxNewTokens: length, Seed: seed,
            UseKvCache: cache, IgnoreEos: true);
        var watch = Stopwatch.StartNew();
        var responses = _policy.Sample(request);
        var seconds = watch.Elapsed.TotalSeconds;
        if (responses.Any(r => r.Length != length)) throw new InvalidOperationException("benchmark responses must have the requested length");
        return seconds;
    }

    /// <summary>
    /// Seconds for what the pipeline's learner does per update: score (with entropies), clipped surrogate
    /// (PPO/GRPO), backward, gradient-norm clip, AdamW.
    /// </summary>
    public double LearnerStep()
    {
        var watch = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
        {
            _optimizer.ZeroGrad();
            var scored = _policy.Score(_batch);
            var advantage = tensor(_advantages).view(-1, 1);
            var ratio = (scored.LogProbs - scored.LogProbs.detach()).exp();
            var surrogate = minimum(ratio * advantage, ratio.clamp(0.8, 1.28) * advantage);
            var loss = -(surrogate * scored.Mask).sum() / scored.Mask.sum();
            loss.backward();
            _optimizer.ClipGradientNorm(1.0);
            _optimizer.Step(1e-4);
            _ = loss.item<float>() + scored.Entropies!.detach().mean().item<float>();
        }
        return watch.Elapsed.TotalSeconds;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _policy.Dispose();
    }
}
