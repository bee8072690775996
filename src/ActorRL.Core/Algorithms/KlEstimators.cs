using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// Per-token estimators of KL(π_θ ‖ π_ref) from sampled tokens (Schulman, "Approximating KL Divergence", 2020),
/// keyed by <c>actorrl.algorithm.kl.estimator</c>. Arguments [B,T]; the result is differentiable in logp.
/// </summary>
public static class KlEstimators
{
    /// <summary>An estimator: (logp, logp_ref) [B,T] → per-token KL [B,T]. Prints as its configuration name.</summary>
    public sealed record Estimator(string Name, Func<Tensor, Tensor, Tensor> Compute)
    {
        public override string ToString() => Name;
    }

    // k1 = logp − logp_ref: unbiased, high variance, can be negative per token.
    public static readonly Estimator K1 = new("k1", (logp, reference) => logp - reference);

    // k2 = ½(logp − logp_ref)²: low variance, biased.
    public static readonly Estimator K2 = new("k2", (logp, reference) => 0.5 * (logp - reference).square());

    // k3 = exp(logp_ref − logp) − (logp_ref − logp) − 1: unbiased and ≥ 0 (used by GRPO).
    public static readonly Estimator K3 = new("k3", (logp, reference) =>
    {
        var d = reference - logp;
        return d.exp() - d - 1;
    });

    public static readonly IReadOnlyDictionary<string, Estimator> ByName = new[] { K1, K2, K3 }.ToDictionary(e => e.Name);
}
