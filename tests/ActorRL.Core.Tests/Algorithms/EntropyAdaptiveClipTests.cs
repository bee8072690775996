using ActorRL.Core.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Tests.Algorithms;

/// <summary>The SSPO entropy-adaptive worked example of docs/algorithms.md §SSPO entropy-adaptive clipping and the clamp of the scale.</summary>
public class EntropyAdaptiveClipTests
{
    [Fact]
    public void ScalesOfTheWorkedExampleSpans()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(Enumerable.Repeat(true, 9).Append(false).ToArray(), new long[] { 2, 5 });
        var entropies = tensor(WorkedExample.Entropies1.Concat(WorkedExample.Entropies2).Append(99).ToArray(), new long[] { 2, 5 }, ScalarType.Float64);
        var spans = tensor(new long[] { 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 }, new long[] { 2, 5 });
        var scale = EntropyAdaptiveClip.Scale(entropies, mask, RatioUnits.Spans(spans, mask), 0.5, 2.0).data<double>().ToArray()[..9];
        // H̄ = 7.7 / 9 = 0.855556; y1's spans have mean entropy 0.4667 and 1.2, y2's single span 0.975.
        Approx.Equal(new[] { 0.545455, 0.545455, 0.545455, 1.402597, 1.402597, 1.139610, 1.139610, 1.139610, 1.139610 }, scale);
    }

    [Fact]
    public void ScaleIsClampedToItsBounds()
    {
        using var scope = NewDisposeScope();
        var mask = ones(1, 4, ScalarType.Bool);
        var entropies = tensor(new[] { 0.0, 0.01, 3.0, 0.99 }, new long[] { 1, 4 }, ScalarType.Float64);
        var scale = EntropyAdaptiveClip.Scale(entropies, mask, RatioUnits.Tokens(mask), 0.5, 2.0).data<double>().ToArray();
        // H̄ = 1: scales 0, 0.01, 3, 0.99 clamp to 0.5, 0.5, 2, 0.99.
        Approx.Equal(new[] { 0.5, 0.5, 2.0, 0.99 }, scale, 1e-12);
    }

    [Fact]
    public void ZeroEntropyEverywhereKeepsTheConfiguredRange()
    {
        using var scope = NewDisposeScope();
        var mask = ones(1, 3, ScalarType.Bool);
        var scale = EntropyAdaptiveClip.Scale(zeros(1, 3, ScalarType.Float64), mask, RatioUnits.Tokens(mask), 0.5, 2.0);
        Approx.Equal(new[] { 1.0, 1.0, 1.0 }, scale.data<double>().ToArray(), 0);
    }

    [Fact]
    public void NarrowRangeClipsTheLowEntropyResponseAndKeepsTheOther()
    {
        var r = WorkedExample.Run("loss = sspo, clip-low = 0.05, clip-high = 0.05", withEntropies: true);
        Approx.Equal(-0.032946, r.Loss);
        Approx.All(0, r.GradNewLogprobs[0], 1e-12, "y1 (both spans clipped)");
        Approx.All(0.084077, r.GradNewLogprobs[1], what: "y2");
        Assert.Equal(5.0 / 9, r.ClipFraction, 12);
        // At the ratio's own level two of three spans are clipped; one of two responses has every token clipped.
        Assert.Equal(2.0 / 3, r.Metrics.ClipFractionHigh, 12);
        Assert.Equal(0.5, r.Metrics.FullyClippedResponseFraction, 12);
        Assert.Equal(0.855556, r.Metrics.MeanEntropy!.Value, 6);
    }

    [Fact]
    public void WideRangeClipsNothingAndMatchesTheUnadaptedLoss()
    {
        var r = WorkedExample.Run("loss = sspo", withEntropies: true);
        Approx.Equal(-0.062724, r.Loss);
        Assert.Equal(0, r.ClipFraction);
    }

    [Fact]
    public void WithoutEntropiesTheAdaptiveClipIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => WorkedExample.Run("loss = sspo"));
        Assert.Contains("entropies", e.Message);
    }
}
