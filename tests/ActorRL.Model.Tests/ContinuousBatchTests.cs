using ActorRL.Model.Policies;
using ActorRL.Model.Policies.Batching;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

public sealed class ContinuousBatchTests
{
    private static readonly IReadOnlyList<int>[] Prompts =
    [
        TinyPolicies.Prompt("12+7="),
        TinyPolicies.Prompt("3="),
        TinyPolicies.Prompt("145*23-9="),
        TinyPolicies.Prompt("8*8="),
        TinyPolicies.Prompt("99-1="),
        TinyPolicies.Prompt("6="),
    ];

    private static ContinuousBatchOptions Options(IPolicy policy, int maxSequences, int? budget = null, WeightUpdateMode mode = WeightUpdateMode.KeepCache,
        int samples = 3, IReadOnlyList<string>? stops = null, bool ignoreEos = false, int maxNew = 24) => new(
        new SamplingFilters(Temperature: 0.9), maxNew, samples, maxSequences, budget ?? 10_000, mode,
        StopTokenIds: stops is null && !ignoreEos ? policy.Tokenizer.Encode("05") : null, StopStrings: stops, IgnoreEos: ignoreEos);

    private static long Seed(int prompt) => 1000 + 17 * prompt;

    /// <summary>Runs every prompt through a continuous batch; records the batch's state before each step.</summary>
    private static (Dictionary<long, FinishedPrompt> Finished, List<(int Active, int Waiting, long Reserved, int Allocated)> Trace) Run(
        IContinuousBatch batch, IReadOnlyList<IReadOnlyList<int>> prompts, Action<int>? beforeStep = null)
    {
        for (var p = 0; p < prompts.Count; p++) batch.Add(p, prompts[p], Seed(p));
        var finished = new Dictionary<long, FinishedPrompt>();
        var trace = new List<(int, int, long, int)>();
        for (var step = 0; !batch.IsIdle; step++)
        {
            beforeStep?.Invoke(step);
            var usage = batch.KvUsage;
            trace.Add((batch.ActiveSequences, batch.Waiting, usage.Reserved, usage.Allocated));
            batch.Step();
            foreach (var done in batch.TakeFinished()) finished.Add(done.Key, done);
            Assert.True(step < 10_000, "the batch never drained");
        }
        return (finished, trace);
    }

    private static IReadOnlyList<SampledResponse> Static(IPolicy policy, IReadOnlyList<IReadOnlyList<int>> prompts, ContinuousBatchOptions o) =>
        policy.Sample(new SamplingRequest(prompts, o.SamplesPerPrompt, o.Filters.Temperature, o.Filters.TopP, o.MaxNewTokens,
            o.StopTokenIds, o.StopStrings, IgnoreEos: o.IgnoreEos, PromptSeeds: prompts.Select((_, p) => Seed(p)).ToList()));

    private static void AssertSameResponses(IReadOnlyList<SampledResponse> expected, IReadOnlyList<SampledResponse> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].TokenIds, actual[i].TokenIds);
            Assert.Equal(expected[i].FinishReason, actual[i].FinishReason);
            for (var t = 0; t < expected[i].Length; t++) Assert.Equal(expected[i].LogProbs[t], actual[i].LogProbs[t], 1e-5);
        }
    }

    [Fact]
    public void Prompts_join_a_running_batch_and_sample_what_a_static_batch_samples()
    {
        using var policy = TinyPolicies.Create(seed: 4);
        var options = Options(policy, maxSequences: 7); // two groups of 3 at a time
        using var batch = policy.BeginContinuousBatch(options);
        var (finished, trace) = Run(batch, Prompts);

        Assert.All(trace, s => Assert.True(s.Active <= 7, $"{s.Active} sequences decoding"));
        // A prompt started while others were mid-response (its prefill beside their decode), not only at the start.
        Assert.Contains(trace.Zip(trace.Skip(1)), p => p.First.Active > 0 && p.Second.Waiting < p.First.Waiting);
        var expected = Static(policy, Prompts, options);
        var actual = Enumerable.Range(0, Prompts.Length).SelectMany(p => finished[p].Responses).ToList();
        AssertSameResponses(expected, actual);
        Assert.Contains(actual, r => r.Length > 6);
        Assert.Contains(actual, r => r.Length < 4);
        // The independent reference: scoring each sequence whole, without any cache.
        SamplingAssertions.ScoringReproducesTheSampler(policy, actual, temperature: 0.9);
    }

    [Fact]
    public void A_response_does_not_depend_on_which_sequences_share_its_batch()
    {
        using var policy = TinyPolicies.Create(seed: 5);
        var options = Options(policy, maxSequences: 12);
        using var alone = policy.BeginContinuousBatch(options);
        var (single, _) = Run(alone, [Prompts[2]]);
        using var crowded = policy.BeginContinuousBatch(options);
        // The same prompt (key 0, seed 0) now joins third, beside other prompts of other lengths.
        IReadOnlyList<int>[] mixed = [Prompts[2], Prompts[0], Prompts[1], Prompts[3]];
        for (var p = 1; p < mixed.Length; p++) crowded.Add(p, mixed[p], Seed(p + 10));
        crowded.Step();
        crowded.Step();
        crowded.Add(0, mixed[0], Seed(0));
        var together = new Dictionary<long, FinishedPrompt>();
        while (!crowded.IsIdle)
        {
            crowded.Step();
            foreach (var done in crowded.TakeFinished()) together.Add(done.Key, done);
        }
        AssertSameResponses(single[0].Responses, together[0].Responses);
    }

    [Fact]
    public void The_kv_budget_bounds_the_pool_and_admission_waits_for_room()
    {
        using var policy = TinyPolicies.Create(seed: 6);
        var longest = Prompts.Max(p => p.Count);
        var oneGroup = (int)Options(policy, 12).Slots(3, longest);
        // Room for the longest prompt's group and for no two groups of any prompts here: groups decode one after the other,
        // though 12 sequences (four groups) would fit the batch.
        var options = Options(policy, maxSequences: 12, budget: oneGroup);
        using var batch = policy.BeginContinuousBatch(options);
        var (finished, trace) = Run(batch, Prompts);

        Assert.All(trace, s =>
        {
            Assert.True(s.Reserved <= options.KvBudgetTokens, $"reserved {s.Reserved} of {options.KvBudgetTokens}");
            Assert.True(s.Allocated <= options.KvBudgetTokens, $"cache allocated {s.Allocated} slots for a budget of {options.KvBudgetTokens}");
            Assert.True(s.Active <= 3, $"{s.Active} sequences decoding: only one group fits");
        });
        Assert.Contains(trace, s => s.Waiting > 0 && s.Active > 0);
        Assert.Equal((0, 0), (batch.KvUsage.Reserved, batch.KvUsage.InUse));
        AssertSameResponses(Static(policy, Prompts, options), Enumerable.Range(0, Prompts.Length).SelectMany(p => finished[p].Responses).ToList());

        var tooBig = Assert.Throws<ArgumentException>(() => policy.BeginContinuousBatch(Options(policy, 12, budget: 3 * 24 - 1)));
        Assert.Contains("KV budget", tooBig.Message);
    }

    /// <summary>Decodes with <paramref name="mode"/>, switching to other weights (version 1) before step 4.</summary>
    private static (IReadOnlyList<SampledResponse> Responses, CausalLmPolicy Policy, CausalLmPolicy NewWeights) UpdatedMidway(WeightUpdateMode mode)
    {
        var policy = TinyPolicies.Create(seed: 7);
        var newer = TinyPolicies.Create(seed: 8);
        newer.SetVersion(1);
        using var weights = newer.ExportWeights();
        using var batch = policy.BeginContinuousBatch(Options(policy, maxSequences: 12, mode: mode, ignoreEos: true, maxNew: 12));
        var (finished, _) = Run(batch, Prompts[..3], step =>
        {
            if (step == 3) policy.LoadWeights(weights);
        });
        return (Enumerable.Range(0, 3).SelectMany(p => finished[p].Responses).ToList(), policy, newer);
    }

    private static double[][] ScoredBy(IPolicy policy, IReadOnlyList<SampledResponse> responses)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var scored = policy.Score(responses.Select(r => new ScoringSequence(r.PromptTokenIds, r.TokenIds)).ToList(), new ScoreOptions(Temperature: 0.9));
        var logProbs = scored.LogProbs.to(ScalarType.Float64).cpu();
        return responses.Select((r, b) => Enumerable.Range(0, r.Length).Select(t => logProbs[b, t].item<double>()).ToArray()).ToArray();
    }

    [Fact]
    public void Keep_cache_labels_a_token_sampled_after_an_update_with_the_old_version()
    {
        var (responses, policy, newer) = UpdatedMidway(WeightUpdateMode.KeepCache);
        using var _ = policy;
        using var __ = newer;
        // Tokens 0..2 came before the update; token 3 on were computed with version 1 over keys and values of version 0.
        Assert.All(responses, r => Assert.All(r.Versions, v => Assert.Equal(0, v)));
        // They really are a mix: under the new weights alone, scoring gives other log-probs from token 3 on.
        var byNew = ScoredBy(newer, responses);
        Assert.Contains(responses.Select((r, b) => Math.Abs(r.LogProbs[5] - byNew[b][5])), d => d > 1e-3);
    }

    [Fact]
    public void Recompute_cache_rebuilds_the_cache_so_later_tokens_are_the_new_versions_own()
    {
        var (responses, policy, newer) = UpdatedMidway(WeightUpdateMode.RecomputeCache);
        using var _ = policy;
        using var __ = newer;
        using var old = TinyPolicies.Create(seed: 7);
        var byOld = ScoredBy(old, responses);
        var byNew = ScoredBy(newer, responses);
        foreach (var (r, b) in responses.Select((r, b) => (r, b)))
        {
            Assert.Equal(Enumerable.Repeat(0L, 3).Concat(Enumerable.Repeat(1L, r.Length - 3)), r.Versions);
            // Each token's log-prob is exactly its version's: the recomputed cache holds nothing of version 0.
            for (var t = 0; t < r.Length; t++) Assert.Equal(t < 3 ? byOld[b][t] : byNew[b][t], r.LogProbs[t], 1e-5);
        }
    }

    [Fact]
    public void A_stop_string_spanning_several_tokens_ends_the_response_where_it_completes()
    {
        using var policy = TinyPolicies.Create(seed: 9);
        var free = Static(policy, Prompts[..1], Options(policy, 12, ignoreEos: true, samples: 1, maxNew: 20)).Single();
        // Three characters, so three tokens of the char tokenizer, from the middle of what the policy samples anyway.
        var stop = free.Text.Substring(4, 3);
        var end = free.Text.IndexOf(stop, StringComparison.Ordinal) + stop.Length;
        var options = Options(policy, 12, stops: [stop], ignoreEos: true, samples: 1, maxNew: 20);
        using var batch = policy.BeginContinuousBatch(options);
        var (finished, _) = Run(batch, Prompts[..1]);
        foreach (var response in new[] { finished[0].Responses[0], Static(policy, Prompts[..1], options).Single() })
        {
            Assert.Equal(FinishReason.Stop, response.FinishReason);
            Assert.Equal(free.Text[..end], response.Text);
        }
    }
}
