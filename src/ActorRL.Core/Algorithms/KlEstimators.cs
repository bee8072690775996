using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// Per-token estimators of KL(π_θ ‖ π_ref) from sampled tokens (Schulman, "Approximating KL Divergence", 2020),
/// keyed by <c>actorrl.algorithm.kl.estimator</c>. Arguments [B,T]; the result is differentiable in logp.
/// </summary>
public static class KlEstimators
{
    public delegate Tensor Estimator(Tensor logp, Tensor referenceLogp);

    public static readonly IReadOnlyDictionary<string, Estimator> ByName = new Dictionary<string, Estimator>
    {
        // k1 = logp − logp_ref: unbiased, high variance, can be negative per token.
        ["k1"] = (logp, reference) => logp - reference,
        // k2 = ½(logp − logp_ref)²: low variance, biased.
        ["k2"] = (logp, reference) => 0.5 * (logp - reference).square(),
        // k3 = exp(logp_ref − logp) − (logp_ref − logp) − 1: unbiased and ≥ 0 (used by GRPO).
        ["k3"] = (logp, reference) =>
        {
            var d = reference - logp;
            return d.exp() - d - 1;
        },
    };

    public static IReadOnlyList<string> Names { get; } = ByName.Keys.ToArray();
}
