using ActorRL.Model.Policies;
using ActorRL.Model.Tokenizers;
using ActorRL.Model.TinyGpt;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

/// <summary>
/// Output layers padded past the tokenizer (Qwen2.5 has 271 such rows) must never be sampled, and scoring must
/// normalise over the same real ids the sampler drew from.
/// </summary>
public class PaddedVocabularyTests
{
    [Fact]
    public void PaddedOutputRowsAreNeverSampledAndScoresMatchTheSampler()
    {
        var tokenizer = new CharTokenizer("0123456789");
        // 40 padded rows against 13 real ids: at a high temperature a random model would draw them constantly.
        using var policy = new CausalLmPolicy(
            new TinyGptModel(new TinyGptConfig(tokenizer.VocabularySize + 40, DModel: 16, Layers: 1, Heads: 2, MaxSequenceLength: 64), seed: 2),
            tokenizer);
        var prompt = new[] { tokenizer.BosId!.Value, 5, 6 };
        var sampled = policy.Sample(new SamplingRequest(new[] { prompt }, SamplesPerPrompt: 16, Temperature: 3.0, MaxNewTokens: 20, Seed: 9));

        Assert.All(sampled, r => Assert.All(r.TokenIds, id => Assert.InRange(id, 0, tokenizer.VocabularySize - 1)));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var scored = policy.Score(sampled.Select(r => new ScoringSequence(prompt, r.TokenIds)).ToList(), new ScoreOptions(3.0));
        for (var i = 0; i < sampled.Count; i++)
        {
            var row = scored.LogProbs[i].narrow(0, 0, sampled[i].Length).data<float>().ToArray();
            for (var t = 0; t < row.Length; t++) Assert.Equal(sampled[i].LogProbs[t], row[t], 1e-4);
        }
    }
}
