using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

public sealed class TokenSamplerTests
{
    private static readonly double[] Logits = [2.0, 0.5, 1.7, -1.0, 0.9, 3.1, -0.3, 1.1];
    private const int Draws = 20_000;

    /// <summary>The filtered, renormalised distribution, computed directly in doubles (the reference).</summary>
    private static double[] Expected(SamplingFilters f)
    {
        var scaled = Logits.Select(l => l / f.Temperature).ToArray();
        var max = scaled.Max();
        var p = scaled.Select(l => Math.Exp(l - max)).ToArray();
        var z = p.Sum();
        p = p.Select(x => x / z).ToArray();
        var order = Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).ToArray();
        var kept = new double[p.Length];
        var before = 0.0;
        for (var rank = 0; rank < order.Length; rank++)
        {
            var i = order[rank];
            var keep = (f.TopP >= 1 || before < f.TopP) && (f.TopK == 0 || rank < f.TopK) && p[i] >= f.MinP * p[order[0]];
            if (keep) kept[i] = p[i];
            before += p[i];
        }
        var mass = kept.Sum();
        return kept.Select(x => x / mass).ToArray();
    }

    [Theory]
    [InlineData(1.0, 1.0, 0, 0.0)]
    [InlineData(0.7, 1.0, 0, 0.0)]
    [InlineData(1.0, 1.0, 3, 0.0)]
    [InlineData(1.0, 0.6, 0, 0.0)]
    [InlineData(1.0, 1.0, 0, 0.2)]
    [InlineData(1.3, 0.9, 4, 0.05)]
    [InlineData(1.0, 1.0, 1, 0.0)]
    public void Draws_follow_the_filtered_distribution_exactly(double temperature, double topP, int topK, double minP)
    {
        var filters = new SamplingFilters(temperature, topP, topK, minP);
        using var scope = NewDisposeScope();
        var logits = tensor(Logits.Select(x => (float)x).ToArray(), [1, Logits.Length]).expand(Draws, Logits.Length);
        // Evenly spaced uniforms: inverting the CDF at them gives every token its share of draws to within one.
        var uniforms = Enumerable.Range(0, Draws).Select(i => (i + 0.5) / Draws).ToArray();
        var drawn = TokenSampler.Draw(logits, uniforms, filters, Logits.Length);

        var expected = Expected(filters);
        var full = Expected(new SamplingFilters(temperature));
        var counts = new int[Logits.Length];
        for (var i = 0; i < Draws; i++)
        {
            var token = (int)drawn[i * 4];
            counts[token]++;
            Assert.Equal(Math.Log(full[token]), drawn[i * 4 + 1], 1e-5);
            Assert.Equal(Math.Log(expected[token]), drawn[i * 4 + 2], 1e-5);
        }
        for (var k = 0; k < Logits.Length; k++) Assert.True(Math.Abs(counts[k] - expected[k] * Draws) <= 1.5, $"token {k}: {counts[k]} draws, expected {expected[k] * Draws:F1}");
    }

    [Fact]
    public void Stream_uniforms_depend_on_prompt_sample_and_position_only()
    {
        var a = new SamplingStream(42, 1);
        Assert.Equal(a.Uniform(7), new SamplingStream(42, 1).Uniform(7));
        Assert.NotEqual(a.Uniform(7), new SamplingStream(42, 2).Uniform(7));
        Assert.NotEqual(a.Uniform(7), new SamplingStream(43, 1).Uniform(7));
        var values = Enumerable.Range(0, 100_000).Select(a.Uniform).ToArray();
        Assert.All(values, u => Assert.InRange(u, 0.0, 1.0 - 1e-17));
        Assert.Equal(0.5, values.Average(), 0.005);
        // Ten equal bins, each within 3 % of its share.
        Assert.All(values.GroupBy(u => (int)(u * 10)), bin => Assert.InRange(bin.Count(), 9_700, 10_300));
    }

    [Fact]
    public void Invalid_filters_name_the_setting()
    {
        Assert.Contains("top-k", Assert.Throws<ArgumentException>(() => new SamplingFilters(TopK: -1).Validate()).Message);
        Assert.Contains("min-p", Assert.Throws<ArgumentException>(() => new SamplingFilters(MinP: 1).Validate()).Message);
    }
}
