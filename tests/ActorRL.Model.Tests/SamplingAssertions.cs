using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

/// <summary>Checks shared by every policy architecture's sampling tests.</summary>
internal static class SamplingAssertions
{
    /// <summary>
    /// Scoring the sampled responses again (full recompute, no cache) must reproduce the behaviour log-probs and
    /// entropies the sampler recorded, at the sampling temperature, to 1e-5.
    /// </summary>
    public static void ScoringReproducesTheSampler(IPolicy policy, IReadOnlyList<SampledResponse> responses, double temperature)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = responses.Select(r => new ScoringSequence(r.PromptTokenIds, r.TokenIds)).ToList();
        var scored = policy.Score(batch, new ScoreOptions(Temperature: temperature));
        var logProbs = scored.LogProbs.to(ScalarType.Float64).cpu();
        var entropies = scored.Entropies!.to(ScalarType.Float64).cpu();
        for (var b = 0; b < responses.Count; b++)
        {
            for (var t = 0; t < responses[b].Length; t++)
            {
                Assert.Equal(responses[b].LogProbs[t], logProbs[b, t].item<double>(), 1e-5);
                Assert.Equal(responses[b].Entropies[t], entropies[b, t].item<double>(), 1e-5);
            }
        }
    }
}
