using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

public sealed class SamplingTests
{
    private static readonly IReadOnlyList<int>[] MixedPrompts =
    [
        TinyPolicies.Prompt("12+7="),
        TinyPolicies.Prompt("3="),
        TinyPolicies.Prompt("145*23-9="),
    ];

    [Fact]
    public void Kv_cache_sampling_log_probs_equal_full_recompute_scoring()
    {
        using var policy = TinyPolicies.Create();
        var responses = policy.Sample(new SamplingRequest(MixedPrompts, SamplesPerPrompt: 3, Temperature: 0.8, MaxNewTokens: 24, Seed: 5));
        Assert.Equal(9, responses.Count);
        Assert.Contains(responses, r => r.Length > 5);

        SamplingAssertions.ScoringReproducesTheSampler(policy, responses, temperature: 0.8);
    }

    [Fact]
    public void Padded_batch_gives_the_same_tokens_and_log_probs_as_prompts_one_by_one()
    {
        using var policy = TinyPolicies.Create(seed: 2);
        // Greedy decoding removes the random draw, so the batch and the single runs must agree token for token.
        var batched = policy.Sample(new SamplingRequest(MixedPrompts, Temperature: 0, MaxNewTokens: 20));
        for (var p = 0; p < MixedPrompts.Length; p++)
        {
            var alone = policy.Sample(new SamplingRequest([MixedPrompts[p]], Temperature: 0, MaxNewTokens: 20)).Single();
            Assert.Equal(alone.TokenIds, batched[p].TokenIds);
            for (var t = 0; t < alone.Length; t++)
            {
                Assert.Equal(alone.LogProbs[t], batched[p].LogProbs[t], 1e-5);
                Assert.Equal(alone.Entropies[t], batched[p].Entropies[t], 1e-5);
            }
        }
    }

    [Fact]
    public void Padded_scoring_batch_equals_scoring_one_by_one()
    {
        using var policy = TinyPolicies.Create(seed: 3);
        var tokenizer = policy.Tokenizer;
        ScoringSequence[] batch =
        [
            new(MixedPrompts[0], tokenizer.Encode("19")),
            new(MixedPrompts[1], tokenizer.Encode("3+0=3\n")),
            new(MixedPrompts[2], tokenizer.Encode("3326")),
        ];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var together = policy.Score(batch);
        Assert.Equal([2, 6, 4], together.ResponseLengths);
        for (var b = 0; b < batch.Length; b++)
        {
            var alone = policy.Score([batch[b]]);
            for (var t = 0; t < batch[b].Response.Count; t++)
            {
                Assert.Equal(alone.LogProbs[0, t].item<float>(), together.LogProbs[b, t].item<float>(), 1e-5);
                Assert.Equal(alone.Entropies![0, t].item<float>(), together.Entropies![b, t].item<float>(), 1e-5);
                Assert.Equal(1f, together.Mask[b, t].item<float>());
            }
            for (var t = batch[b].Response.Count; t < 6; t++)
            {
                Assert.Equal(0f, together.Mask[b, t].item<float>());
                Assert.Equal(0f, together.LogProbs[b, t].item<float>());
            }
        }
    }

    [Fact]
    public void Kv_cache_decoding_matches_recomputing_the_whole_sequence_every_step()
    {
        using var policy = TinyPolicies.Create(seed: 4);
        var cached = policy.Sample(new SamplingRequest(MixedPrompts, Temperature: 0, MaxNewTokens: 16));
        var recomputed = policy.Sample(new SamplingRequest(MixedPrompts, Temperature: 0, MaxNewTokens: 16, UseKvCache: false));
        for (var i = 0; i < cached.Count; i++)
        {
            Assert.Equal(recomputed[i].TokenIds, cached[i].TokenIds);
            for (var t = 0; t < cached[i].Length; t++) Assert.Equal(recomputed[i].LogProbs[t], cached[i].LogProbs[t], 1e-5);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_samples_and_another_seed_different_ones()
    {
        using var policy = TinyPolicies.Create(seed: 5);
        SamplingRequest Request(long seed) => new(MixedPrompts, SamplesPerPrompt: 4, Temperature: 1.0, MaxNewTokens: 12, Seed: seed);
        var first = policy.Sample(Request(11));
        var again = policy.Sample(Request(11));
        var other = policy.Sample(Request(12));
        Assert.Equal(first.Select(r => r.TokenIds), again.Select(r => r.TokenIds));
        Assert.Equal(first.Select(r => r.LogProbs), again.Select(r => r.LogProbs));
        Assert.NotEqual(first.Select(r => string.Join(",", r.TokenIds)), other.Select(r => string.Join(",", r.TokenIds)));
    }

    [Fact]
    public void Responses_stop_on_eos_stop_tokens_stop_strings_and_length()
    {
        using var policy = TinyPolicies.Create(seed: 6);
        var tokenizer = policy.Tokenizer;
        var free = policy.Sample(new SamplingRequest(MixedPrompts, SamplesPerPrompt: 4, MaxNewTokens: 30, Seed: 1));
        foreach (var r in free)
        {
            if (r.FinishReason == FinishReason.Length) Assert.Equal(30, r.Length);
            else Assert.Equal(tokenizer.EosId, r.TokenIds[^1]);
            Assert.DoesNotContain(tokenizer.EosId, r.TokenIds[..^1]);
            Assert.Equal(string.Concat(r.TokenTexts), r.Text);
        }

        var digit = tokenizer.Encode("7")[0];
        var byToken = policy.Sample(new SamplingRequest(MixedPrompts, SamplesPerPrompt: 4, MaxNewTokens: 40, StopTokenIds: [digit], Seed: 2));
        Assert.Contains(byToken, r => r.FinishReason == FinishReason.Stop && r.TokenIds[^1] == digit);
        Assert.All(byToken, r => Assert.DoesNotContain(digit, r.TokenIds[..^1]));

        var byString = policy.Sample(new SamplingRequest(MixedPrompts, SamplesPerPrompt: 4, MaxNewTokens: 40, StopStrings: ["1", "=2"], Seed: 3));
        foreach (var r in byString.Where(r => r.FinishReason == FinishReason.Stop && r.TokenIds[^1] != tokenizer.EosId))
        {
            Assert.True(r.Text.EndsWith('1') || r.Text.EndsWith("=2", StringComparison.Ordinal), r.Text);
            Assert.False(r.Text[..^1].Contains('1') || r.Text[..^1].Contains("=2", StringComparison.Ordinal), r.Text);
        }
        Assert.Contains(byString, r => r.Text.EndsWith('1'));
    }

    [Fact]
    public void Top_p_records_the_untruncated_log_prob_and_the_nucleus_log_prob_separately()
    {
        using var policy = TinyPolicies.Create(seed: 7);
        var full = policy.Sample(new SamplingRequest(MixedPrompts, SamplesPerPrompt: 2, TopP: 1.0, MaxNewTokens: 10, Seed: 4));
        Assert.All(full, r => Assert.Equal(r.LogProbs, r.SamplerLogProbs));

        var nucleus = policy.Sample(new SamplingRequest(MixedPrompts, SamplesPerPrompt: 2, TopP: 0.7, MaxNewTokens: 10, Seed: 4));
        // The nucleus is a renormalised subset, so each token is at least as likely there.
        Assert.All(nucleus, r => Assert.All(r.LogProbs.Zip(r.SamplerLogProbs), p => Assert.True(p.Second >= p.First - 1e-6)));
        Assert.Contains(nucleus, r => r.LogProbs.Zip(r.SamplerLogProbs).Any(p => p.Second > p.First + 1e-3));

        // A tiny nucleus holds only the most likely token: greedy decoding, drawn with certainty.
        var tiny = policy.Sample(new SamplingRequest(MixedPrompts, TopP: 1e-6, MaxNewTokens: 10, Seed: 4));
        var greedy = policy.Sample(new SamplingRequest(MixedPrompts, Temperature: 0, MaxNewTokens: 10));
        Assert.Equal(greedy.Select(r => r.TokenIds), tiny.Select(r => r.TokenIds));
        Assert.All(tiny, r => Assert.All(r.SamplerLogProbs, lp => Assert.Equal(0f, lp, 1e-6f)));
    }

    [Fact]
    public void Invalid_requests_are_rejected_with_the_reason()
    {
        using var policy = TinyPolicies.Create();
        var tooLong = Assert.Throws<ArgumentException>(() => policy.Sample(new SamplingRequest(MixedPrompts, MaxNewTokens: 95)));
        Assert.Contains("max sequence length 96", tooLong.Message);
        var empty = Assert.Throws<ArgumentException>(() => policy.Sample(new SamplingRequest([Array.Empty<int>()])));
        Assert.Contains("prompt 0 is empty", empty.Message);
        var topP = Assert.Throws<ArgumentException>(() => policy.Sample(new SamplingRequest(MixedPrompts, TopP: 0)));
        Assert.Contains("top-p", topP.Message);
    }
}

public sealed class CompactionTests
{
    [Fact]
    public void Dropping_finished_rows_from_the_batch_keeps_every_response_exact()
    {
        using var policy = TinyPolicies.Create(seed: 9);
        IReadOnlyList<int>[] prompts = [TinyPolicies.Prompt("12+7="), TinyPolicies.Prompt("3="), TinyPolicies.Prompt("145*23-9=")];
        var digits = policy.Tokenizer.Encode("0123");
        // Common stop tokens make responses end at many different steps, so the batch is compacted several times.
        var request = new SamplingRequest(prompts, SamplesPerPrompt: 6, MaxNewTokens: 40, StopTokenIds: [.. digits], Seed: 3);
        using var session = (SamplingSession)policy.BeginSampling(request);
        var batchSizes = new List<int>();
        while (!session.IsFinished)
        {
            batchSizes.Add(session.BatchRows);
            session.Step();
        }
        Assert.Equal(18, batchSizes[0]);
        Assert.True(batchSizes.Distinct().Count() >= 3, $"batch sizes seen: {string.Join(", ", batchSizes.Distinct())}");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var response in session.Results)
        {
            var alone = policy.Score([new ScoringSequence(response.PromptTokenIds, response.TokenIds)]);
            for (var t = 0; t < response.Length; t++)
                Assert.Equal(response.LogProbs[t], alone.LogProbs[0, t].item<float>(), 1e-5);
        }
    }
}
