using ActorRL.Core.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Tests.Algorithms;

/// <summary>Padding, malformed batches, dtypes, memory: what the learner relies on besides the math.</summary>
public class PolicyLossInputTests
{
    private static readonly AlgorithmSettings Grpo = WorkedExample.Settings("loss = grpo");

    [Theory]
    [InlineData("loss = grpo")]
    [InlineData("loss = sspo")]
    [InlineData("loss = gspo, clip-low = 0.1, clip-high = 0.1")]
    [InlineData("loss = dapo, off-policy.mode = decoupled, kl { coef = 0.1, reference = initial }, entropy-coef = 0.01")]
    public void PaddingNeverContributesWhateverItHolds(string hocon)
    {
        var settings = WorkedExample.Settings(hocon);
        var inputs = RandomBatches.Create(5);
        var clean = LossHarness.Run(settings, inputs, fill: 0);
        foreach (var garbage in new[] { double.NaN, double.PositiveInfinity, -1e30, 7 })
        {
            var dirty = LossHarness.Run(settings, inputs, fill: garbage);
            Assert.Equal(clean.Loss, dirty.Loss);
            for (var i = 0; i < inputs.B; i++) Assert.Equal(clean.Gradients[i], dirty.Gradients[i]);
            Assert.Equal(clean.Metrics, dirty.Metrics);
        }
    }

    [Fact]
    public void PaddedPositionsGetExactlyZeroGradient()
    {
        using var scope = NewDisposeScope();
        var inputs = RandomBatches.Create(6);
        var logp = inputs.Padded(inputs.NewLogp, fill: double.NaN).requires_grad_(true);
        new PolicyLoss(Grpo).Compute(inputs.Batch(logp, fill: double.NaN)).Loss.backward();
        var grad = logp.grad!.masked_select(inputs.Mask().logical_not()).data<double>().ToArray();
        Assert.NotEmpty(grad);
        Assert.All(grad, g => Assert.Equal(0, g));
    }

    [Fact]
    public void AResponseWithNoTokensIsRejectedByIndex()
    {
        using var scope = NewDisposeScope();
        var logp = zeros(3, 4, ScalarType.Float64, requires_grad: true);
        var mask = tensor(new[] { true, true, false, false, false, false, false, false, true, false, false, false }, new long[] { 3, 4 });
        var e = Assert.Throws<ArgumentException>(() => new PolicyLoss(Grpo).Compute(new PolicyBatch(logp, zeros(3, 4, ScalarType.Float64), mask, zeros(3, ScalarType.Float64))));
        Assert.Contains("response 1 has no tokens", e.Message);
    }

    [Fact]
    public void ShapeMismatchesNameTheInput()
    {
        using var scope = NewDisposeScope();
        var logp = zeros(2, 3, ScalarType.Float64, requires_grad: true);
        var mask = ones(2, 3, ScalarType.Bool);
        var e = Assert.Throws<ArgumentException>(() => new PolicyLoss(Grpo).Compute(new PolicyBatch(logp, zeros(2, 4, ScalarType.Float64), mask, zeros(2, ScalarType.Float64))));
        Assert.Contains("behaviour log-probs must be [2,3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new PolicyLoss(Grpo).Compute(new PolicyBatch(logp, zeros(2, 3, ScalarType.Float64), mask, zeros(3, ScalarType.Float64))));
        Assert.Contains("advantages must be [2]", e.Message);
    }

    [Fact]
    public void SubsentenceLevelNeedsTokenTextsThatMatchTheMask()
    {
        var settings = WorkedExample.Settings("loss = grpo, ratio-level = subsentence");
        var inputs = RandomBatches.Create(7);
        var e = Assert.Throws<ArgumentException>(() => LossHarness.Run(settings, inputs with { Tokens = null }));
        Assert.Contains("token texts", e.Message);
        var shortTexts = inputs.Tokens!.Select((t, i) => i == 0 ? t[..^1] : t).ToArray();
        e = Assert.Throws<ArgumentException>(() => LossHarness.Run(settings, inputs with { Tokens = shortTexts }));
        Assert.Contains("response 0 has 7 tokens in the mask but 6 token texts", e.Message);
    }

    [Fact]
    public void PrecomputedSpanIdsGiveTheSameLossAsTokenTexts()
    {
        using var scope = NewDisposeScope();
        var settings = WorkedExample.Settings("loss = sspo");
        var inputs = RandomBatches.Create(8);
        var fromTexts = new PolicyLoss(settings).Compute(inputs.Batch(inputs.Padded(inputs.NewLogp))).Loss.item<double>();
        var spans = inputs.Tokens!.Select(t => SubsentenceSplitter.SpanIds(t, SubsentenceSplitter.DefaultDelimiters).Select(x => (double)x).ToArray()).ToArray();
        var batch = inputs.Batch(inputs.Padded(inputs.NewLogp)) with { TokenTexts = null, SpanIds = inputs.Padded(spans).to_type(ScalarType.Int64) };
        Assert.Equal(fromTexts, new PolicyLoss(settings).Compute(batch).Loss.item<double>(), 12);
    }

    [Fact]
    public void MaskMayBeZeroOneFloats()
    {
        using var scope = NewDisposeScope();
        var inputs = RandomBatches.Create(9);
        var expected = LossHarness.Loss(Grpo, inputs);
        var batch = inputs.Batch(inputs.Padded(inputs.NewLogp)) with { Mask = inputs.Mask().to_type(ScalarType.Float32) };
        Assert.Equal(expected, new PolicyLoss(Grpo).Compute(batch).Loss.item<double>(), 12);
    }

    [Theory]
    [InlineData("loss = grpo")]
    [InlineData("loss = sspo")]
    [InlineData("loss = luspo, clip-low = 0.1, clip-high = 0.1")]
    public void Float32AgreesWithFloat64(string hocon)
    {
        var settings = WorkedExample.Settings(hocon);
        var inputs = RandomBatches.Create(10);
        var single = LossHarness.Run(settings, inputs, ScalarType.Float32);
        var full = LossHarness.Run(settings, inputs);
        Approx.Equal(full.Loss, single.Loss, 1e-5);
        for (var i = 0; i < inputs.B; i++) Approx.Equal(full.Gradients[i], single.Gradients[i], 1e-5);
    }

    [Fact]
    public void TheLossKeepsTheInputDtypeAndOnlyItSurvivesTheCall()
    {
        using var outer = NewDisposeScope();
        var inputs = RandomBatches.Create(12);
        var logp = inputs.Padded(inputs.NewLogp, ScalarType.Float32).requires_grad_(true);
        var batch = inputs.Batch(logp, ScalarType.Float32);
        var loss = new PolicyLoss(WorkedExample.Settings("loss = sspo, kl { coef = 0.1, reference = initial }")).Compute(batch).Loss;
        Assert.Equal(ScalarType.Float32, loss.dtype);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var step = 0; step < 20; step++)
        {
            using var stepScope = NewDisposeScope();
            var result = new PolicyLoss(WorkedExample.Settings("loss = sspo, kl { coef = 0.1, reference = initial }")).Compute(batch);
            result.Loss.backward();
            logp.grad!.zero_();
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Theory]
    [InlineData("k1", 0.5, 1.0)]
    [InlineData("k2", 0.125, 0.5)]
    [InlineData("k3", 0.10653065971263342, 0.39346934028736658)]
    public void KlPenaltyIsAddedPerTokenWithItsGradient(string estimator, double value, double gradient)
    {
        // logp = −1, logp_ref = −1.5, A = 0 (surrogate zero): L = coef·k, dL/dlogp = coef·dk/dlogp.
        var inputs = new LossInputs(new[] { new[] { -1.0 } }, new[] { new[] { -1.0 } }, new[] { 0.0 }) { Reference = new[] { new[] { -1.5 } } };
        var r = LossHarness.Run(WorkedExample.Settings($"loss = grpo, kl {{ coef = 0.1, estimator = {estimator}, reference = initial }}"), inputs);
        Approx.Equal(0.1 * value, r.Loss, 1e-12);
        Approx.Equal(0.1 * gradient, r.Gradients[0][0], 1e-12);
        Approx.Equal(value, r.Metrics.KlToReference!.Value, 1e-12);
        Assert.Equal(0, r.Metrics.SurrogateLoss);
    }

    [Fact]
    public void KlNeedsReferenceLogProbs()
    {
        var inputs = new LossInputs(new[] { new[] { -1.0 } }, new[] { new[] { -1.0 } }, new[] { 0.0 });
        var e = Assert.Throws<ArgumentException>(() => LossHarness.Run(WorkedExample.Settings("loss = grpo, kl { coef = 0.1, reference = initial }"), inputs));
        Assert.Contains("reference log-probs", e.Message);
    }

    [Fact]
    public void EntropyBonusLowersTheLossAndPushesEntropyUp()
    {
        using var scope = NewDisposeScope();
        var inputs = new LossInputs(new[] { new[] { -1.0, -2.0 }, new[] { -0.5 } }, new[] { new[] { -1.0, -2.0 }, new[] { -0.5 } }, new[] { 0.0, 0.0 })
        {
            Entropies = new[] { new[] { 1.0, 3.0 }, new[] { 0.5 } },
        };
        var entropies = inputs.Padded(inputs.Entropies).requires_grad_(true);
        var batch = inputs.Batch(inputs.Padded(inputs.NewLogp).requires_grad_(true)) with { Entropies = entropies };
        var result = new PolicyLoss(WorkedExample.Settings("loss = grpo, entropy-coef = 0.01")).Compute(batch);
        // seq-mean-token-mean of the entropies: (2 + 0.5) / 2 = 1.25.
        Approx.Equal(-0.01 * 1.25, result.Loss.item<double>(), 1e-12);
        result.Loss.backward();
        Approx.Equal(new[] { -0.01 / 4, -0.01 / 4, -0.01 / 2, 0 }, entropies.grad!.data<double>().ToArray(), 1e-12);
        Approx.Equal(4.5 / 3, result.Metrics.MeanEntropy!.Value, 1e-12);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void AHugeLogRatioStaysFiniteAndAClippedTokenPassesNoGradient(ScalarType dtype)
    {
        // Token 0 has log-ratio 1000 with A > 0 (clipped: no gradient); token 1 is ordinary.
        var inputs = new LossInputs(new[] { new[] { 0.0, -1.0 } }, new[] { new[] { -1000.0, -1.0 } }, new[] { 1.0 });
        var r = LossHarness.Run(Grpo, inputs, dtype);
        Approx.Equal(-(1.2 + 1) / 2, r.Loss, 1e-6);
        Approx.Equal(new[] { 0, -0.5 }, r.Gradients[0], 1e-6);
    }

    [Fact]
    public void NormLengthDefaultsToThePaddedLength()
    {
        var inputs = RandomBatches.Create(13);
        var byDefault = LossHarness.Loss(WorkedExample.Settings("loss = drgrpo"), inputs);
        var explicitK = LossHarness.Loss(WorkedExample.Settings($"loss = drgrpo, norm-length = {inputs.T}"), inputs);
        Assert.Equal(explicitK, byDefault, 15);
    }

    [Fact]
    public void MetricsOfTheGrpoWorkedExample()
    {
        var m = WorkedExample.Run("loss = grpo").Metrics;
        var ratios = WorkedExample.New1.Zip(WorkedExample.Behaviour1).Concat(WorkedExample.New2.Zip(WorkedExample.Behaviour2))
            .Select(p => Math.Exp(p.First - p.Second)).ToArray();
        Approx.Equal(ratios.Average(), m.RatioMean, 1e-12);
        Approx.Equal(ratios.Min(), m.RatioMin, 1e-12);
        Approx.Equal(ratios.Max(), m.RatioMax, 1e-12);
        var k3 = ratios.Select(r => 1 / r + Math.Log(r) - 1).Average();
        Approx.Equal(k3, m.ApproxKlBehaviour, 1e-12);
        Assert.Equal(2, m.Responses);
        Assert.Equal(9, m.Tokens);
        Assert.Equal(9, m.Units);
        Assert.Equal(m.TokenClipFractionHigh, m.ClipFractionHigh, 12);
        Assert.Null(m.MeanEntropy);
        Assert.Null(m.ImportanceWeightMean);
    }
}
