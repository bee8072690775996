using ActorRL.Model.Policies;
using ActorRL.Model.Training;
using Parameter = TorchSharp.Modules.Parameter;
using AdamW = ActorRL.Model.Training.AdamW;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

public sealed class AdamWTests
{
    [Fact]
    public void Matches_libtorch_adamw_step_for_step_without_weight_decay()
    {
        using var ours = TinyPolicies.Create(seed: 3, dtype: ScalarType.Float64);
        using var theirs = TinyPolicies.Create(seed: 3, dtype: ScalarType.Float64);
        using var adamW = new AdamW(ours.NamedParameters(), 0.9, 0.95, 1e-8, weightDecay: 0);
        var reference = optim.AdamW(theirs.NamedParameters().Select(p => p.Parameter), 1e-2, 0.9, 0.95, 1e-8, weight_decay: 0);
        ScoringSequence[] batch = [new(TinyPolicies.Prompt("7+8="), TinyPolicies.Tokenizer().Encode("15\n"))];
        for (var step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            adamW.ZeroGrad();
            reference.zero_grad();
            (-ours.Score(batch).LogProbs.sum()).backward();
            (-theirs.Score(batch).LogProbs.sum()).backward();
            adamW.Step(1e-2);
            reference.step();
        }
        foreach (var ((name, a), (_, b)) in ours.NamedParameters().Zip(theirs.NamedParameters()))
            Assert.True(a.allclose(b, rtol: 1e-10, atol: 1e-12), name);
    }

    [Fact]
    public void Decoupled_weight_decay_shrinks_matrices_but_not_norm_gains()
    {
        var matrix = new Parameter(full(2, 2, 2.0, dtype: ScalarType.Float64));
        var gain = new Parameter(full(2, 2.0, dtype: ScalarType.Float64));
        using var adamW = new AdamW([("m", matrix), ("g", gain)], weightDecay: 0.5);
        matrix.grad = zeros_like(matrix);
        gain.grad = zeros_like(gain);
        adamW.Step(0.1);
        // Zero gradient: Adam's update is 0, so only decay acts: p · (1 − lr · wd).
        Assert.Equal(2.0 * (1 - 0.1 * 0.5), matrix[0, 0].item<double>(), 12);
        Assert.Equal(2.0, gain[0].item<double>(), 12);
    }

    [Fact]
    public void Gradient_clipping_scales_to_the_max_norm_and_reports_the_original_norm()
    {
        var p = new Parameter(zeros(2));
        var q = new Parameter(zeros(1));
        p.grad = tensor(new[] { 3f, 0f });
        q.grad = tensor(new[] { 4f });
        using var adamW = new AdamW([("p", p), ("q", q)]);
        Assert.Equal(5.0, adamW.ClipGradientNorm(1.0), 6);
        Assert.Equal(0.6, p.grad![0].item<float>(), 5);
        Assert.Equal(0.8, q.grad![0].item<float>(), 5);
        Assert.Equal(1.0, adamW.ClipGradientNorm(10.0), 5);
        Assert.Equal(0.6, p.grad![0].item<float>(), 5);
    }

    [Theory]
    [InlineData(LearningRateDecay.Constant, 0, 0.1)]
    [InlineData(LearningRateDecay.Constant, 4, 1.0)]
    [InlineData(LearningRateDecay.Constant, 50, 1.0)]
    [InlineData(LearningRateDecay.Linear, 4, 1.0)]
    [InlineData(LearningRateDecay.Linear, 55, 0.55)]
    [InlineData(LearningRateDecay.Linear, 105, 0.1)]
    [InlineData(LearningRateDecay.Linear, 500, 0.1)]
    [InlineData(LearningRateDecay.Cosine, 55, 0.55)]
    [InlineData(LearningRateDecay.Cosine, 105, 0.1)]
    public void Learning_rate_warms_up_then_decays_to_the_floor(LearningRateDecay decay, long step, double expectedFraction)
    {
        // Warm-up 5 updates: 0.2, 0.4, … of the peak (step 0 gets 1/5); decay ends at update 105.
        var schedule = new LearningRateSchedule(2.0, 5, decay, 105, 0.1);
        var expected = step == 0 ? 2.0 * 0.2 : 2.0 * expectedFraction;
        Assert.Equal(expected, schedule.At(step), 10);
    }
}
