using ActorRL.Core.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Tests.Algorithms;

/// <summary>Every row of docs/algorithms.md §Worked example, to 1e-6: loss, advantages, gradients, ratios.</summary>
public class WorkedExampleTests
{
    private const double A = WorkedExample.Advantage;

    [Fact]
    public void GrpoLossAdvantagesAndPerTokenGradients()
    {
        var r = WorkedExample.Run("loss = grpo");
        Approx.Equal(-0.034981, r.Loss, what: "loss");
        Approx.Equal(new[] { A, -A }, r.Advantages, what: "advantages");
        // Tokens 1 and 4 of y1 (ratio above 1.2 with A > 0) and token 2 of y2 (below 0.8 with A < 0) are clipped.
        Approx.Equal(new[] { 0, -0.074336, -0.070711, 0, -0.067262 }, r.GradNewLogprobs[0], what: "grad y1");
        Approx.Equal(new[] { 0.079977, 0, 0.107958, 0.088388 }, r.GradNewLogprobs[1], what: "grad y2");
        Assert.Equal(3.0 / 9, r.ClipFraction, 12);
        Assert.Equal(2.0 / 9, r.Metrics.TokenClipFractionHigh, 12);
        Assert.Equal(1.0 / 9, r.Metrics.TokenClipFractionLow, 12);
    }

    [Fact]
    public void GrpoWithPopulationStdHasUnitAdvantages()
    {
        var r = WorkedExample.Run("loss = grpo, advantage-std = population");
        // ±0.5 / (0.5 + eps): "±1" of the spec's table up to eps.
        Approx.Equal(new[] { 0.5 / (0.5 + 1e-6), -0.5 / (0.5 + 1e-6) }, r.Advantages, 1e-12, "advantages");
        Approx.Equal(-0.049470, r.Loss);
    }

    [Fact]
    public void TokenRatioWithTokenMean()
    {
        Approx.Equal(-0.115986, WorkedExample.Run("loss = grpo, aggregation = token-mean").Loss);
    }

    [Fact]
    public void DapoPreset()
    {
        Approx.Equal(-0.123953, WorkedExample.Run("loss = dapo").Loss);
    }

    [Fact]
    public void DrGrpoSeqMeanTokenSum()
    {
        var r = WorkedExample.Run("loss = drgrpo, aggregation = seq-mean-token-sum");
        Approx.Equal(new[] { 0.5, -0.5 }, r.Advantages, what: "advantages");
        Approx.Equal(-0.369065, r.Loss);
    }

    [Fact]
    public void DrGrpoPresetWithNormLength8()
    {
        Approx.Equal(-0.046133, WorkedExample.Run("loss = drgrpo, norm-length = 8").Loss);
    }

    [Theory]
    [InlineData("gspo")]
    [InlineData("gspo-token")]
    public void GspoPresetClipsBothResponsesAndPassesNoGradient(string preset)
    {
        var r = WorkedExample.Run($"loss = {preset}");
        Approx.Equal(-0.000247, r.Loss);
        Approx.All(0, r.GradNewLogprobs[0], 1e-12);
        Approx.All(0, r.GradNewLogprobs[1], 1e-12);
        Assert.Equal(1.0, r.ClipFraction, 12);
        Assert.Equal(1.0, r.Metrics.FullyClippedResponseFraction, 12);
        Approx.Equal(WorkedExample.S2, r.Metrics.RatioMin, what: "s2");
        Approx.Equal(WorkedExample.S1, r.Metrics.RatioMax, what: "s1");
    }

    [Theory]
    [InlineData("gspo")]
    [InlineData("gspo-token")]
    public void GspoWithWideClipGivesTheSameGradientToEveryTokenOfAResponse(string preset)
    {
        var r = WorkedExample.Run($"loss = {preset}, clip-low = 0.2, clip-high = 0.2");
        Approx.Equal(-0.062320, r.Loss);
        Approx.All(-0.079726, r.GradNewLogprobs[0], what: "grad y1");
        Approx.All(0.084077, r.GradNewLogprobs[1], what: "grad y2");
        Assert.Equal(0, r.ClipFraction);
    }

    [Fact]
    public void LuspoPresetClipsAndPassesNoGradient()
    {
        var r = WorkedExample.Run("loss = luspo");
        Approx.Equal(-0.360801, r.Loss);
        Approx.All(0, r.GradNewLogprobs[0], 1e-12);
        Approx.All(0, r.GradNewLogprobs[1], 1e-12);
    }

    [Fact]
    public void LuspoWithWideClipScalesGspoGradientByLength()
    {
        var r = WorkedExample.Run("loss = luspo, clip-low = 0.2, clip-high = 0.2");
        Approx.Equal(-0.647909, r.Loss);
        Approx.All(-0.398630, r.GradNewLogprobs[0], what: "grad y1");
        Approx.All(0.336310, r.GradNewLogprobs[1], what: "grad y2");
        Approx.All(5 * -0.079726, r.GradNewLogprobs[0], 5e-6, "5 × GSPO's");
        Approx.All(4 * 0.084077, r.GradNewLogprobs[1], 5e-6, "4 × GSPO's");
    }

    [Theory]
    [InlineData("loss = grpo, ratio-level = subsentence")]
    [InlineData("loss = sspo, entropy-adaptive-clip.enabled = false")]
    public void SubsentenceRatioWithoutEntropyAdaptation(string hocon)
    {
        var r = WorkedExample.Run(hocon);
        Approx.Equal(-0.062724, r.Loss);
        // Per token: −A·ρ_S / (B·|y|), with ρ_S the token's span ratio (y1 splits after ",", y2 is one span).
        Approx.Equal(new[] { -A * 1.086904 / 10, -A * 1.086904 / 10, -A * 1.086904 / 10, -A * 1.191246 / 10, -A * 1.191246 / 10 },
            r.GradNewLogprobs[0], what: "grad y1");
        Approx.All(0.084077, r.GradNewLogprobs[1], what: "grad y2");
        Assert.Equal(3, r.Metrics.Units);
    }

    [Fact]
    public void RatiosAtEveryLevel()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new[] { true, true, true, true, true, true, true, true, true, false }, new long[] { 2, 5 });
        var logp = tensor(WorkedExample.New1.Concat(WorkedExample.New2).Append(0).ToArray(), new long[] { 2, 5 }, ScalarType.Float64);
        var behaviour = tensor(WorkedExample.Behaviour1.Concat(WorkedExample.Behaviour2).Append(0).ToArray(), new long[] { 2, 5 }, ScalarType.Float64);
        var spans = tensor(new long[] { 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 }, new long[] { 2, 5 });

        double[] Ratio(string level, RatioUnits units) =>
            RatioLevels.Ratio(RatioLevels.ByName[level], units, logp, behaviour).data<double>().ToArray()[..9];

        Approx.Equal(WorkedExample.New1.Zip(WorkedExample.Behaviour1).Concat(WorkedExample.New2.Zip(WorkedExample.Behaviour2))
            .Select(p => Math.Exp(p.First - p.Second)).ToArray(), Ratio("token", RatioUnits.Tokens(mask)), 1e-12, "token");
        var s = new[] { WorkedExample.S1, WorkedExample.S2 };
        Approx.Equal(Enumerable.Repeat(s[0], 5).Concat(Enumerable.Repeat(s[1], 4)).ToArray(), Ratio("sequence", RatioUnits.Sequences(mask)), what: "sequence");
        Approx.Equal(Enumerable.Repeat(s[0], 5).Concat(Enumerable.Repeat(s[1], 4)).ToArray(), Ratio("sequence-token", RatioUnits.Sequences(mask)), what: "sequence-token");
        Approx.Equal(new[] { 1.086904, 1.086904, 1.086904, 1.191246, 1.191246, s[1], s[1], s[1], s[1] },
            Ratio("subsentence", RatioUnits.Spans(spans, mask)), what: "subsentence");
    }
}
