namespace ActorRL.Core.Tests.Algorithms;

/// <summary>AReaL's decoupled objective: clip against the proximal policy, weight by the truncated prox/behaviour ratio.</summary>
public class DecoupledOffPolicyTests
{
    private const string Decoupled = "off-policy.mode = decoupled";

    [Fact]
    public void ClipsAgainstTheProximalPolicyAndWeightsByTheBehaviourRatio()
    {
        // logp_b = −1, logp_prox = −0.5, logp = −0.4, A = 1: u = e^0.1 (inside [0.8, 1.2]), w = e^0.5.
        var inputs = new LossInputs(new[] { new[] { -0.4 } }, new[] { new[] { -1.0 } }, new[] { 1.0 }) { Proximal = new[] { new[] { -0.5 } } };
        var r = LossHarness.Run(WorkedExample.Settings($"loss = grpo, {Decoupled}"), inputs);
        var expected = -Math.Exp(0.1) * Math.Exp(0.5);
        Approx.Equal(expected, r.Loss, 1e-12);
        Approx.Equal(expected, r.Gradients[0][0], 1e-12);
        Approx.Equal(Math.Exp(0.5), r.Metrics.ImportanceWeightMean!.Value, 1e-12);
        Assert.Equal(0, r.ClipFraction());

        // In behaviour mode the same token's ratio e^0.6 is above 1.2: clipped, no gradient.
        var behaviour = LossHarness.Run(WorkedExample.Settings("loss = grpo"), inputs);
        Approx.Equal(-1.2, behaviour.Loss, 1e-12);
        Assert.Equal(0, behaviour.Gradients[0][0]);
    }

    [Fact]
    public void TheImportanceWeightIsTruncatedAtTheCap()
    {
        var inputs = new LossInputs(new[] { new[] { -0.4 } }, new[] { new[] { -3.5 } }, new[] { 1.0 }) { Proximal = new[] { new[] { -0.5 } } };
        var r = LossHarness.Run(WorkedExample.Settings($"loss = grpo, {Decoupled}, off-policy.is-cap = 5"), inputs);
        // exp(3) ≈ 20 is truncated to 5.
        Approx.Equal(-Math.Exp(0.1) * 5, r.Loss, 1e-12);
        Approx.Equal(-Math.Exp(0.1) * 5, r.Gradients[0][0], 1e-12);
        Assert.Equal(1, r.Metrics.ImportanceWeightCappedFraction);
    }

    [Fact]
    public void AtSequenceLevelRatioAndWeightUseTheGeometricMean()
    {
        // prox − behaviour = [0.2, 0.4] → w = e^0.3; new − prox = [0.1, −0.1] → u = 1.
        var inputs = new LossInputs(new[] { new[] { -0.8, -1.2 } }, new[] { new[] { -1.1, -1.5 } }, new[] { 2.0 })
        {
            Proximal = new[] { new[] { -0.9, -1.1 } },
        };
        var r = LossHarness.Run(WorkedExample.Settings($"loss = gspo, {Decoupled}"), inputs);
        var w = Math.Exp(0.3);
        Approx.Equal(-2 * w, r.Loss, 1e-12);
        // d/dlogp_t of −A·w·u with u = exp(mean d): −A·w·u/|y|.
        Approx.All(-2 * w / 2, r.Gradients[0], 1e-12);
    }

    [Fact]
    public void WithProximalEqualToBehaviourItIsTheBehaviourObjective()
    {
        var inputs = new LossInputs(
            new[] { WorkedExample.New1, WorkedExample.New2 },
            new[] { WorkedExample.Behaviour1, WorkedExample.Behaviour2 },
            new[] { WorkedExample.Advantage, -WorkedExample.Advantage })
        {
            Proximal = new[] { WorkedExample.Behaviour1, WorkedExample.Behaviour2 },
        };
        foreach (var preset in new[] { "grpo", "gspo", "dapo" })
        {
            var decoupled = LossHarness.Run(WorkedExample.Settings($"loss = {preset}, {Decoupled}"), inputs);
            var plain = LossHarness.Run(WorkedExample.Settings($"loss = {preset}"), inputs);
            Approx.Equal(plain.Loss, decoupled.Loss, 1e-12, preset);
            for (var i = 0; i < 2; i++) Approx.Equal(plain.Gradients[i], decoupled.Gradients[i], 1e-12, preset);
        }
    }

    [Fact]
    public void MissingProximalLogProbsIsAClearError()
    {
        var inputs = new LossInputs(new[] { new[] { -0.4 } }, new[] { new[] { -1.0 } }, new[] { 1.0 });
        var e = Assert.Throws<ArgumentException>(() => LossHarness.Run(WorkedExample.Settings($"loss = grpo, {Decoupled}"), inputs));
        Assert.Contains("proximal log-probs", e.Message);
    }
}

internal static class LossOutputsExtensions
{
    public static double ClipFraction(this LossOutputs r) => r.Metrics.TokenClipFraction;
}
