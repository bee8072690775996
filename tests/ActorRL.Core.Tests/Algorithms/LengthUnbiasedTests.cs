namespace ActorRL.Core.Tests.Algorithms;

/// <summary>LUSPO's claim: with a sequence ratio, its per-token gradient does not depend on response length.</summary>
public class LengthUnbiasedTests
{
    // Two responses of length 2 and 6 with the same per-token log-ratio (so the same s) and advantage.
    private static LossInputs Inputs(double d) => new(
        new[] { Enumerable.Repeat(-1.0 + d, 2).ToArray(), Enumerable.Repeat(-1.0 + d, 6).ToArray() },
        new[] { Enumerable.Repeat(-1.0, 2).ToArray(), Enumerable.Repeat(-1.0, 6).ToArray() },
        new[] { 1.0, 1.0 });

    [Fact]
    public void LuspoGivesEveryTokenTheSameGradientWhateverTheLength()
    {
        var s = Math.Exp(0.05);
        var r = LossHarness.Run(WorkedExample.Settings("loss = luspo, clip-low = 0.2, clip-high = 0.2"), Inputs(0.05));
        // dL/dlogp = −s·A / B for every token of both responses.
        Approx.All(-s / 2, r.Gradients[0], 1e-12, "short");
        Approx.All(-s / 2, r.Gradients[1], 1e-12, "long");
    }

    [Fact]
    public void GspoUnderweightsTheLongResponseByItsLength()
    {
        var s = Math.Exp(0.05);
        var r = LossHarness.Run(WorkedExample.Settings("loss = gspo, clip-low = 0.2, clip-high = 0.2"), Inputs(0.05));
        Approx.All(-s / 2 / 2, r.Gradients[0], 1e-12, "short");
        Approx.All(-s / 2 / 6, r.Gradients[1], 1e-12, "long");
    }

    [Fact]
    public void LengthUnbiasedNeedsSeqMeanTokenMean()
    {
        var e = Assert.Throws<ActorRL.Core.Configuration.SettingsException>(() => WorkedExample.Settings("loss = luspo, aggregation = token-mean"));
        Assert.Contains("length-unbiased", e.Message);
        Assert.Contains("seq-mean-token-mean", e.Message);
    }
}
