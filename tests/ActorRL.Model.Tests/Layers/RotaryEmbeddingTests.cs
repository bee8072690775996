using ActorRL.Model.Layers;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests.Layers;

public sealed class RotaryEmbeddingTests
{
    [Fact]
    public void Attention_scores_depend_only_on_the_distance_between_positions()
    {
        using var scope = NewDisposeScope();
        var (cos, sin) = RotaryEmbedding.Tables(64, 8, 10000);
        var q = randn(1, 1, 1, 8, dtype: ScalarType.Float64);
        var k = randn(1, 1, 1, 8, dtype: ScalarType.Float64);
        double Score(int m, int n)
        {
            var rq = RotaryEmbedding.Apply(q, cos[m].to(ScalarType.Float64).view(1, 1, 1, 8), sin[m].to(ScalarType.Float64).view(1, 1, 1, 8));
            var rk = RotaryEmbedding.Apply(k, cos[n].to(ScalarType.Float64).view(1, 1, 1, 8), sin[n].to(ScalarType.Float64).view(1, 1, 1, 8));
            return (rq * rk).sum().item<double>();
        }
        Assert.Equal(Score(5, 2), Score(40, 37), 10);
        Assert.Equal(Score(0, 0), (q * k).sum().item<double>(), 10); // position 0 is the identity
        Assert.NotEqual(Score(5, 2), Score(5, 3), 6);
    }

    [Fact]
    public void The_signed_sin_form_equals_rotate_half_and_rotates_queries_and_keys_together()
    {
        using var scope = NewDisposeScope();
        var (cos, sin) = RotaryEmbedding.Tables(16, 8, 500);
        var positions = tensor(new long[] { 0, 3, 7, 15 });
        var c = cos.index_select(0, positions).view(1, 1, 4, 8);
        var s = sin.index_select(0, positions).view(1, 1, 4, 8);
        var signed = RotaryEmbedding.SignedSin(sin).index_select(0, positions).view(1, 1, 4, 8);
        var q = randn(2, 3, 4, 8);
        var k = randn(2, 3, 4, 8);
        var together = RotaryEmbedding.ApplySigned(stack([q, k]), c, signed);
        Assert.True(together[0].allclose(RotaryEmbedding.Apply(q, c, s), rtol: 0, atol: 1e-6));
        Assert.True(together[1].allclose(RotaryEmbedding.Apply(k, c, s), rtol: 0, atol: 1e-6));
    }
}
