using ActorRL.Model.Policies;
using ActorRL.Model.TinyGpt;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

public sealed class ScoreGradientTests
{
    [Theory]
    [InlineData(NormKind.LayerNorm, true)]
    [InlineData(NormKind.RmsNorm, false)]
    public void Score_gradients_match_central_finite_differences(NormKind norm, bool tie)
    {
        using var policy = TinyPolicies.Create(seed: 8, dtype: ScalarType.Float64, dModel: 8, layers: 2, heads: 2, maxLen: 32, tie: tie, norm: norm, initStd: 0.3);
        var tokenizer = policy.Tokenizer;
        ScoringSequence[] batch =
        [
            new(TinyPolicies.Prompt("1+2="), tokenizer.Encode("3\n")),
            new(TinyPolicies.Prompt("9="), tokenizer.Encode("9+0")),
        ];
        // A loss that mixes log-probs and entropies with distinct weights per token, like a policy loss with an entropy bonus.
        double Loss(bool backward)
        {
            using var scope = NewDisposeScope();
            var scored = policy.Score(batch, new ScoreOptions(Temperature: 0.7));
            var weights = arange(1, 7, ScalarType.Float64).view(2, 3) / 3.0;
            var loss = -(scored.LogProbs * weights).sum() + 0.1 * (scored.Entropies! * scored.Mask).sum();
            if (backward) loss.backward();
            return loss.item<double>();
        }

        foreach (var (_, p) in policy.NamedParameters()) p.grad?.zero_();
        Loss(backward: true);
        var checkedEntries = 0;
        foreach (var (name, parameter) in policy.NamedParameters())
        {
            var flat = parameter.detach().view(-1);
            var gradient = parameter.grad!.view(-1);
            foreach (var i in new long[] { 0, flat.shape[0] / 2, flat.shape[0] - 1 })
            {
                const double h = 1e-6;
                var original = flat[i].item<double>();
                flat[i] = original + h;
                var plus = Loss(backward: false);
                flat[i] = original - h;
                var minus = Loss(backward: false);
                flat[i] = original;
                var numeric = (plus - minus) / (2 * h);
                var analytic = gradient[i].item<double>();
                Assert.True(Math.Abs(numeric - analytic) <= 1e-6 + 1e-5 * Math.Abs(numeric),
                    $"{name}[{i}]: autograd {analytic}, finite difference {numeric}");
                checkedEntries++;
            }
        }
        Assert.True(checkedEntries >= 3 * 10);
    }
}
