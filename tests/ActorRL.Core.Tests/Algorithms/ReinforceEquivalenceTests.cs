using ActorRL.Core.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Tests.Algorithms;

/// <summary>
/// On-policy (old == new log-probs) every ratio is 1 and nothing is clipped, so the first update of each method
/// is the REINFORCE gradient −A_i·∇logp_{i,t}, weighted per token as the method documents:
/// GRPO, GSPO, GSPO-token, SSPO 1/(B·|y_i|); LUSPO 1/B; DAPO 1/Σ|y|; Dr. GRPO 1/(B·K).
/// </summary>
public class ReinforceEquivalenceTests
{
    public static TheoryData<string, string> Methods => new()
    {
        { "loss = grpo", "1/(B|y|)" },
        { "loss = gspo", "1/(B|y|)" },
        { "loss = gspo-token", "1/(B|y|)" },
        { "loss = sspo", "1/(B|y|)" },
        { "loss = luspo", "1/B" },
        { "loss = dapo", "1/sum|y|" },
        { "loss = drgrpo, norm-length = 16", "1/(BK)" },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void OnPolicyGradientIsWeightedReinforce(string hocon, string weighting)
    {
        for (var seed = 11; seed <= 13; seed++)
        {
            var random = RandomBatches.Create(seed);
            var inputs = random with { Behaviour = random.NewLogp };
            var b = inputs.B;
            var totalTokens = inputs.NewLogp.Sum(r => r.Length);
            double Weight(int i) => weighting switch
            {
                "1/(B|y|)" => 1.0 / (b * inputs.NewLogp[i].Length),
                "1/B" => 1.0 / b,
                "1/sum|y|" => 1.0 / totalTokens,
                "1/(BK)" => 1.0 / (b * 16),
                _ => throw new ArgumentOutOfRangeException(nameof(weighting)),
            };

            var r = LossHarness.Run(WorkedExample.Settings(hocon), inputs);
            var reinforce = ReinforceGradient(inputs, Weight);
            for (var i = 0; i < b; i++)
            {
                Approx.All(-inputs.Advantages[i] * Weight(i), r.Gradients[i], 1e-12, $"seed {seed}, response {i}");
                Approx.Equal(reinforce[i], r.Gradients[i], 1e-12, $"seed {seed}, response {i} vs autograd REINFORCE");
            }
            Assert.Equal(0, r.Metrics.TokenClipFraction);
            Assert.Equal(1, r.Metrics.RatioMin, 12);
            Assert.Equal(1, r.Metrics.RatioMax, 12);
        }
    }

    /// <summary>∇ of the REINFORCE surrogate −Σ_i w_i·A_i·Σ_t logp_{i,t}, by autograd.</summary>
    private static double[][] ReinforceGradient(LossInputs inputs, Func<int, double> weight)
    {
        using var scope = NewDisposeScope();
        var logp = inputs.Padded(inputs.NewLogp).requires_grad_(true);
        var perResponse = tensor(Enumerable.Range(0, inputs.B).Select(i => weight(i) * inputs.Advantages[i]).ToArray(), ScalarType.Float64);
        var surrogate = -(logp.masked_fill(inputs.Mask().logical_not(), 0).sum(1) * perResponse).sum();
        surrogate.backward();
        var grad = logp.grad!.data<double>().ToArray();
        return inputs.NewLogp.Select((row, i) => grad[(i * inputs.T)..(i * inputs.T + row.Length)]).ToArray();
    }
}
