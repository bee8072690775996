namespace ActorRL.Core.Tests.Algorithms;

/// <summary>
/// Autograd against central finite differences (float64) for every method, on random batches that mix clipped
/// and unclipped tokens. Catches a wrong stop-gradient, a missing detach or a broken unit mean.
/// </summary>
public class GradientCheckTests
{
    private const double Step = 1e-6;

    public static TheoryData<string> Methods => new()
    {
        "loss = grpo",
        "loss = grpo, dual-clip = 1.5",
        "loss = grpo, advantage-std = population",
        "loss = dapo",
        "loss = drgrpo",
        "loss = drgrpo, aggregation = seq-mean-token-sum",
        "loss = gspo, clip-low = 0.1, clip-high = 0.1",
        "loss = gspo-token, clip-low = 0.1, clip-high = 0.1",
        "loss = luspo, clip-low = 0.1, clip-high = 0.1",
        "loss = sspo",
        "loss = sspo, dual-clip = 1.5, clip-low = 0.1, clip-high = 0.1",
        "loss = grpo, ratio-level = subsentence",
        "loss = grpo, off-policy.mode = decoupled, off-policy.is-cap = 1.1",
        "loss = sspo, off-policy.mode = decoupled",
        "loss = gspo, clip-low = 0.1, clip-high = 0.1, off-policy.mode = decoupled",
        "loss = grpo, kl { coef = 0.1, estimator = k1, reference = initial }",
        "loss = grpo, kl { coef = 0.1, estimator = k2, reference = initial }",
        "loss = dapo, kl { coef = 0.1, estimator = k3, reference = initial }",
        "loss = grpo, entropy-coef = 0.01",
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void AutogradMatchesFiniteDifferences(string hocon)
    {
        var settings = WorkedExample.Settings(hocon);
        for (var seed = 1; seed <= 3; seed++)
        {
            var inputs = RandomBatches.Create(seed);
            var analytic = LossHarness.Run(settings, inputs);
            for (var i = 0; i < inputs.B; i++)
            for (var t = 0; t < inputs.NewLogp[i].Length; t++)
            {
                var numeric = (LossHarness.Loss(settings, Nudge(inputs, i, t, Step)) - LossHarness.Loss(settings, Nudge(inputs, i, t, -Step))) / (2 * Step);
                Approx.Equal(numeric, analytic.Gradients[i][t], 1e-7, $"seed {seed}, dL/dlogp[{i},{t}]");
            }
        }
    }

    [Theory]
    [InlineData("loss = grpo")]
    [InlineData("loss = dapo")]
    [InlineData("loss = sspo")]
    [InlineData("loss = gspo, clip-low = 0.1, clip-high = 0.1")]
    public void TheRandomBatchesExerciseBothBranchesOfTheClip(string hocon)
    {
        // Guards the check above against degenerate inputs: some tokens must be clipped and some not.
        var clipped = Enumerable.Range(1, 3).Select(seed => LossHarness.Run(WorkedExample.Settings(hocon), RandomBatches.Create(seed)).Metrics.TokenClipFraction).ToArray();
        Assert.Contains(clipped, f => f > 0);
        Assert.Contains(clipped, f => f < 1);
    }

    private static LossInputs Nudge(LossInputs inputs, int i, int t, double by)
    {
        var rows = inputs.NewLogp.Select(r => r.ToArray()).ToArray();
        rows[i][t] += by;
        return inputs.WithNewLogp(rows);
    }
}
