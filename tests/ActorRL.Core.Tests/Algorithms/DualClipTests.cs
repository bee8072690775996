namespace ActorRL.Core.Tests.Algorithms;

public class DualClipTests
{
    // Three one-token responses, clip 0.2, dual clip c = 3:
    //   A = −1, ρ = 4: PPO picks the unclipped −A·ρ = 4 (gradient flows); dual clip caps it at −A·c = 3, no gradient.
    //   A = −1, ρ = 2: below c, so ℓ = −A·ρ = 2 with dℓ/dlogp = −A·ρ = 2.
    //   A = +1, ρ = 4: dual clip never touches positive advantages; the ordinary clip gives −1.2, no gradient.
    private static readonly LossInputs Inputs = new(
        new[] { new[] { Math.Log(4) }, new[] { Math.Log(2) }, new[] { Math.Log(4) } },
        new[] { new[] { 0.0 }, new[] { 0.0 }, new[] { 0.0 } },
        new[] { -1.0, -1.0, 1.0 });

    [Fact]
    public void CapsTheLossOfNegativeAdvantagesAndStopsTheirGradient()
    {
        var r = LossHarness.Run(WorkedExample.Settings("loss = grpo, dual-clip = 3"), Inputs);
        Approx.Equal((3 + 2 - 1.2) / 3, r.Loss, 1e-12);
        Approx.Equal(new[] { 0.0, 2.0 / 3, 0.0 }, r.Gradients.Select(g => g[0]).ToArray(), 1e-12);
        Assert.Equal(1.0 / 3, r.Metrics.TokenClipFractionDual, 12);
        Assert.Equal(1.0 / 3, r.Metrics.TokenClipFractionHigh, 12);
        Assert.Equal(0, r.Metrics.TokenClipFractionLow);
        Assert.Equal(2.0 / 3, r.Metrics.FullyClippedResponseFraction, 12);
    }

    [Fact]
    public void WithoutDualClipTheHugeRatioPassesItsGradient()
    {
        var r = LossHarness.Run(WorkedExample.Settings("loss = grpo"), Inputs);
        Approx.Equal((4 + 2 - 1.2) / 3, r.Loss, 1e-12);
        Approx.Equal(new[] { 4.0 / 3, 2.0 / 3, 0.0 }, r.Gradients.Select(g => g[0]).ToArray(), 1e-12);
        Assert.Equal(0, r.Metrics.TokenClipFractionDual);
    }

    [Fact]
    public void AtSubsentenceLevelTheSpanRatioIsCapped()
    {
        // One response "a , b": spans [a ,] with log-ratios ln 4 and ln 4 → ρ = 4, and [b] with ρ = 1; A = −1.
        var inputs = new LossInputs(new[] { new[] { Math.Log(4), Math.Log(4), 0.0 } }, new[] { new[] { 0.0, 0.0, 0.0 } }, new[] { -1.0 })
        {
            Tokens = new[] { new[] { "a", ",", " b" } },
        };
        var r = LossHarness.Run(WorkedExample.Settings("loss = grpo, ratio-level = subsentence, dual-clip = 3"), inputs);
        // ℓ = [3, 3, 1] → mean 7/3; only the last token (ρ = 1, unclipped) carries gradient: −A·ρ/|S| /|y| = 1/3.
        Approx.Equal(7.0 / 3, r.Loss, 1e-12);
        Approx.Equal(new[] { 0.0, 0.0, 1.0 / 3 }, r.Gradients[0], 1e-12);
        Assert.Equal(0.5, r.Metrics.ClipFractionDual, 12);
        Assert.Equal(2.0 / 3, r.Metrics.TokenClipFractionDual, 12);
    }
}
