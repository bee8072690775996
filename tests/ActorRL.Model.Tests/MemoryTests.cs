using System.Diagnostics;
using ActorRL.Model.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

/// <summary>Runs alone: process memory is shared by all tests, so parallel tests would blur the measurement.</summary>
[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryTestsCollection;

[Collection(nameof(MemoryTests))]
public sealed class MemoryTests
{
    [Fact]
    public void Two_hundred_sampling_and_scoring_steps_leave_no_live_tensors_behind()
    {
        using var policy = TinyPolicies.Create(seed: 1);
        IReadOnlyList<int>[] prompts = [TinyPolicies.Prompt("12+7="), TinyPolicies.Prompt("3=")];

        void OneStep(int i)
        {
            var responses = policy.Sample(new SamplingRequest(prompts, SamplesPerPrompt: 2, MaxNewTokens: 8, Seed: i, StopTokenIds: []));
            using var scope = NewDisposeScope();
            var scored = policy.Score(responses.Select(r => new ScoringSequence(r.PromptTokenIds, r.TokenIds)).ToList());
            (-(scored.LogProbs.sum()) - scored.Entropies!.sum()).backward();
            using var noGrad = no_grad();
            foreach (var (_, p) in policy.NamedParameters()) p.grad!.zero_();
        }

        for (var i = 0; i < 10; i++) OneStep(i); // warm-up: gradients and allocator caches exist from here on
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var residentBefore = Process.GetCurrentProcess().WorkingSet64;
        for (var i = 10; i < 210; i++) OneStep(i);
        var liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var residentGrowth = Process.GetCurrentProcess().WorkingSet64 - residentBefore;

        Assert.Equal(liveBefore, liveAfter);
        Assert.True(residentGrowth < 64L << 20, $"resident memory grew by {residentGrowth >> 20} MiB over 200 steps");
    }

    [Fact]
    public void A_continuous_batch_leaves_no_live_tensors_behind_as_prompts_come_and_go()
    {
        using var policy = TinyPolicies.Create(seed: 2);
        IReadOnlyList<int>[] prompts = [TinyPolicies.Prompt("12+7="), TinyPolicies.Prompt("3="), TinyPolicies.Prompt("8*8=")];
        var options = new Policies.Batching.ContinuousBatchOptions(new SamplingFilters(), MaxNewTokens: 8, SamplesPerPrompt: 2,
            MaxSequences: 4, KvBudgetTokens: 2_000, StopTokenIds: policy.Tokenizer.Encode("05"));
        using var batch = policy.BeginContinuousBatch(options);
        var added = 0;
        void Steps(int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (batch.Room > 0) batch.Add(added, prompts[added++ % prompts.Length], added);
                batch.Step();
                batch.TakeFinished();
            }
        }

        Steps(40); // warm-up: the pool has grown to what this load needs
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Steps(400);
        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.True(added > 60, $"only {added} prompts went through");
    }
}
