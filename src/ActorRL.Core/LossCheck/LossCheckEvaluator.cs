using ActorRL.Core.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.LossCheck;

/// <summary>
/// Runs the real learner loss (<see cref="AdvantageEstimators"/> + <see cref="PolicyLoss"/>) on a handful of
/// responses in float64 and reads back the gradient with respect to the new log-probs.
/// </summary>
public static class LossCheckEvaluator
{
    public static LossCheckResult Evaluate(AlgorithmSettings settings, IReadOnlyList<LossCheckResponse> responses)
    {
        if (responses.Count == 0) throw new ArgumentException("there are no responses");
        for (var i = 0; i < responses.Count; i++) CheckLengths(responses[i], i);

        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var b = responses.Count;
        var t = responses.Max(r => r.Tokens.Count);

        var rewards = tensor(responses.Select(r => r.Reward).ToArray(), ScalarType.Float64);
        var groups = tensor(AdvantageEstimators.DenseGroupIndex(responses.Select(r => r.Group).ToList()));
        var advantages = AdvantageEstimators.Compute(settings.Advantage, rewards, groups, settings.AdvantageOptions);

        var newLogp = Padded(responses, r => r.NewLogprobs, t).requires_grad_(true);
        var batch = new PolicyBatch(newLogp, Padded(responses, r => r.OldLogprobs, t), Mask(responses, t), advantages.Advantages)
        {
            Entropies = Optional(responses, r => r.Entropies, "entropies", t),
            ProximalLogProbs = Optional(responses, r => r.ProximalLogprobs, "proximal_logprobs", t),
            ReferenceLogProbs = Optional(responses, r => r.ReferenceLogprobs, "reference_logprobs", t),
            TokenTexts = responses.Select(r => r.Tokens).ToList(),
        };
        var result = new PolicyLoss(settings).Compute(batch);
        result.Loss.backward();

        var gradients = newLogp.grad!.data<double>().ToArray();
        return new LossCheckResult(
            Loss: result.Loss.item<double>(),
            Advantages: advantages.Advantages.data<double>().ToArray(),
            GradNewLogprobs: responses.Select((r, i) => gradients.AsSpan(i * t, r.Tokens.Count).ToArray()).ToArray(),
            ClipFraction: result.Metrics.TokenClipFraction,
            SingletonGroups: advantages.SingletonGroups,
            Metrics: result.Metrics);
    }

    private static void CheckLengths(LossCheckResponse r, int index)
    {
        var n = r.Tokens.Count;
        if (n == 0) throw new ArgumentException($"responses[{index}] has no tokens; a zero-token response has no loss");
        void Same(double[]? values, string name)
        {
            if (values is not null && values.Length != n)
                throw new ArgumentException($"responses[{index}].{name} has {values.Length} values for {n} tokens");
        }
        Same(r.OldLogprobs, "old_logprobs");
        Same(r.NewLogprobs, "new_logprobs");
        Same(r.Entropies, "entropies");
        Same(r.ProximalLogprobs, "proximal_logprobs");
        Same(r.ReferenceLogprobs, "reference_logprobs");
    }

    private static Tensor Padded(IReadOnlyList<LossCheckResponse> responses, Func<LossCheckResponse, double[]> values, int t)
    {
        var data = new double[responses.Count * t];
        for (var i = 0; i < responses.Count; i++) values(responses[i]).CopyTo(data, i * t);
        return tensor(data, new long[] { responses.Count, t }, ScalarType.Float64);
    }

    private static Tensor? Optional(IReadOnlyList<LossCheckResponse> responses, Func<LossCheckResponse, double[]?> values, string name, int t)
    {
        var present = responses.Count(r => values(r) is not null);
        if (present == 0) return null;
        if (present != responses.Count)
            throw new ArgumentException($"{name} must be given for every response or for none");
        return Padded(responses, r => values(r)!, t);
    }

    private static Tensor Mask(IReadOnlyList<LossCheckResponse> responses, int t)
    {
        var data = new bool[responses.Count * t];
        for (var i = 0; i < responses.Count; i++)
            Array.Fill(data, true, i * t, responses[i].Tokens.Count);
        return tensor(data, new long[] { responses.Count, t });
    }
}
