using ActorRL.Core.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Tests.Algorithms;

/// <summary>Every metric lands in its own field: the batch is built so that (almost) every field has a distinct value.</summary>
public class PolicyLossMetricsTests
{
    // Token ratios π/π_prox per response (NaN = padding); advantages +1, −1, −1; clip 0.2, dual clip 3.
    private static readonly double[][] Ratios =
    {
        new[] { 1.5, 1.6, 1.0 },        // two clipped high (A > 0)
        new[] { 0.5, 4.0, double.NaN }, // one clipped low, one dual-clipped: the whole response is clipped
        new[] { 0.5, 0.6, 1.0 },        // two clipped low
    };

    private static readonly double[] ProximalMinusBehaviour = { 0.2, 0.5, 0.5 };
    private const double IsCap = 1.5;
    private const string Hocon = "loss = grpo, dual-clip = 3, off-policy { mode = decoupled, is-cap = 1.5 }";

    [Fact]
    public void EachMetricIsReadUnderItsOwnName()
    {
        using var scope = NewDisposeScope();
        var withEverything = new PolicyLoss(WorkedExample.Settings(Hocon + ", kl { coef = 0.1, reference = initial }")).Compute(Batch(withOptional: true));
        var m = withEverything.Metrics;

        Assert.Equal((3L, 8L, 8L), (m.Responses, m.Tokens, m.Units));
        Approx.Equal(3.0 / 8, m.TokenClipFractionLow, 1e-12, "low");
        Approx.Equal(2.0 / 8, m.TokenClipFractionHigh, 1e-12, "high");
        Approx.Equal(1.0 / 8, m.TokenClipFractionDual, 1e-12, "dual");
        // Token-level ratios: a unit is a token.
        Assert.Equal((m.TokenClipFractionLow, m.TokenClipFractionHigh, m.TokenClipFractionDual), (m.ClipFractionLow, m.ClipFractionHigh, m.ClipFractionDual));
        Approx.Equal(10.7 / 8, m.RatioMean, 1e-12, "ratio mean");
        Approx.Equal(0.5, m.RatioMin, 1e-12, "ratio min");
        Approx.Equal(4.0, m.RatioMax, 1e-12, "ratio max");
        Approx.Equal(1.0 / 3, m.FullyClippedResponseFraction, 1e-12, "fully clipped");
        Approx.Equal(0.7, m.MeanEntropy!.Value, 1e-12, "entropy");
        Approx.Equal(Math.Exp(-0.1) + 0.1 - 1, m.KlToReference!.Value, 1e-12, "kl to reference");
        Approx.Equal((3 * Math.Exp(0.2) + 5 * IsCap) / 8, m.ImportanceWeightMean!.Value, 1e-12, "importance weight");
        Approx.Equal(5.0 / 8, m.ImportanceWeightCappedFraction!.Value, 1e-12, "capped");
        // k3(logp, behaviour) with logp − behaviour = ln r + (prox − behaviour).
        var approxKl = Real().Select(x => { var d = -(Math.Log(x.Ratio) + ProximalMinusBehaviour[x.Row]); return Math.Exp(d) - d - 1; }).Average();
        Approx.Equal(approxKl, m.ApproxKlBehaviour, 1e-12, "approx kl");

        // The surrogate is the loss without the KL term.
        var plain = new PolicyLoss(WorkedExample.Settings(Hocon)).Compute(Batch(withOptional: false));
        Approx.Equal(plain.Loss.item<double>(), m.SurrogateLoss, 1e-12, "surrogate");
        Assert.Equal((double?)null, plain.Metrics.MeanEntropy);
        Assert.Equal((double?)null, plain.Metrics.KlToReference);
        Assert.Equal(m.ImportanceWeightMean, plain.Metrics.ImportanceWeightMean);
    }

    private static IEnumerable<(int Row, double Ratio)> Real() =>
        Ratios.SelectMany((row, i) => row.Where(r => !double.IsNaN(r)).Select(r => (i, r)));

    private static PolicyBatch Batch(bool withOptional)
    {
        Tensor Grid(Func<int, double, double> value) =>
            tensor(Ratios.SelectMany((row, i) => row.Select(r => double.IsNaN(r) ? 0 : value(i, r))).ToArray(), ScalarType.Float64).reshape(3, 3);
        var proximal = Grid((_, _) => -1.0);
        var batch = new PolicyBatch(
            Grid((_, r) => -1 + Math.Log(r)),
            Grid((i, _) => -1 - ProximalMinusBehaviour[i]),
            Grid((_, _) => 1).to_type(ScalarType.Bool),
            tensor(new[] { 1.0, -1.0, -1.0 }, ScalarType.Float64)) { ProximalLogProbs = proximal };
        return withOptional
            ? batch with { ReferenceLogProbs = Grid((_, r) => -1 + Math.Log(r) - 0.1), Entropies = Grid((_, _) => 0.7) }
            : batch;
    }
}
