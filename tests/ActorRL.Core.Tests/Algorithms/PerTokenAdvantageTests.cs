using ActorRL.Core.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Tests.Algorithms;

/// <summary>GSPO-token exists to accept per-token advantages; with per-response ones it equals GSPO.</summary>
public class PerTokenAdvantageTests
{
    private static double[] Gradient(string hocon, double[] advantages)
    {
        using var scope = NewDisposeScope();
        // One response of three tokens, log-ratios 0.05, −0.05, 0.03 (s inside a 0.2 clip).
        var logp = tensor(new[] { -1.0, -2.0, -0.5 }, new long[] { 1, 3 }, ScalarType.Float64).requires_grad_(true);
        var behaviour = tensor(new[] { -1.05, -1.95, -0.53 }, new long[] { 1, 3 }, ScalarType.Float64);
        var adv = tensor(advantages, new long[] { 1, 3 }, ScalarType.Float64);
        new PolicyLoss(WorkedExample.Settings(hocon)).Compute(new PolicyBatch(logp, behaviour, ones(1, 3, ScalarType.Bool), adv)).Loss.backward();
        return logp.grad!.data<double>().ToArray();
    }

    [Fact]
    public void GspoTokenGivesEachTokenItsOwnAdvantage()
    {
        var s = Math.Exp(0.01);
        var a = new[] { 1.0, -2.0, 0.5 };
        // dL/dlogp_t = −A_t·s / |y| (each token's term carries its own advantage).
        Approx.Equal(a.Select(x => -x * s / 3).ToArray(), Gradient("loss = gspo-token, clip-low = 0.2, clip-high = 0.2", a), 1e-12);
        // The sequence form spreads the mean advantage over every token instead.
        Approx.All(-a.Average() * s / 3, Gradient("loss = gspo, clip-low = 0.2, clip-high = 0.2", a), 1e-12);
    }

    [Fact]
    public void PerTokenAdvantagesEqualToTheResponsesGiveTheSameGradientAsPerResponse()
    {
        var perToken = Gradient("loss = grpo", new[] { 0.7, 0.7, 0.7 });
        using var scope = NewDisposeScope();
        var logp = tensor(new[] { -1.0, -2.0, -0.5 }, new long[] { 1, 3 }, ScalarType.Float64).requires_grad_(true);
        var behaviour = tensor(new[] { -1.05, -1.95, -0.53 }, new long[] { 1, 3 }, ScalarType.Float64);
        new PolicyLoss(WorkedExample.Settings("loss = grpo")).Compute(new PolicyBatch(logp, behaviour, ones(1, 3, ScalarType.Bool), tensor(new[] { 0.7 }, ScalarType.Float64))).Loss.backward();
        Approx.Equal(logp.grad!.data<double>().ToArray(), perToken, 1e-15);
    }
}
