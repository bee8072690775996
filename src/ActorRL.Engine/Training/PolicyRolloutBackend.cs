using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Engine.Training;

/// <summary>
/// A generator's compute: its own policy replica, sampled step by step with a KV cache. Weights arrive as
/// snapshots and are copied in between decoding steps; every token records the version that produced it.
/// </summary>
public sealed class PolicyRolloutBackend(IPolicy policy, PromptEncoding encoding, int groupSize, Pipeline.GenerationSettings generation, long runSeed) : IRolloutBackend
{
    public long Version => _loaded ? policy.Version : -1;

    private bool _loaded;

    public void LoadWeights(WeightsPublished weights)
    {
        if (weights.Weights is null) throw new ArgumentException("a policy generator needs weights, got a version without them");
        SnapshotConversion.Load(policy, weights.Weights);
        _loaded = true;
    }

    public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName)
    {
        var prompts = items.Select(i => encoding.Prompt(i.Prompt.Text)).ToList();
        var request = new SamplingRequest(prompts, groupSize, generation.Temperature, generation.TopP, generation.MaxNewTokens,
            StopTokenIds: encoding.StopTokenIds,
            StopStrings: generation.StopStrings.Count > 0 ? generation.StopStrings : null,
            Seed: SamplingSeed(runSeed, items));
        return new Generation(policy.BeginSampling(request), items, prompts, policy.Version, generatorName, generation.MaxNewTokens);
    }

    public void Dispose() => policy.Dispose();

    /// <summary>
    /// The seed depends on the run's seed and the prompts (their ids are unique per draw), and on nothing about the
    /// generator: not its history, not which of several generators or nodes got the work. So a run resumed from a
    /// checkpoint, or one whose generators took the same prompts in another order, samples exactly the same responses.
    /// </summary>
    public static long SamplingSeed(long seed, IReadOnlyList<WorkItem> items)
    {
        var hash = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
        foreach (var item in items)
            foreach (var c in item.Prompt.Id)
                hash = unchecked((hash ^ c) * 0x100000001B3UL);
        return (long)(hash >> 1);
    }

    private sealed class Generation(ISamplingSession session, IReadOnlyList<WorkItem> items,
        IReadOnlyList<IReadOnlyList<int>> prompts, long startVersion, string generatorName, int maxNewTokens) : IGroupGeneration
    {
        public bool IsFinished => session.IsFinished;

        public long TokensGenerated { get; private set; }

        public void Step()
        {
            // The session keeps its KV cache outside this scope; the step's temporaries die here.
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            TokensGenerated += session.Step();
        }

        public IReadOnlyList<RolloutGroup> Results => session.Results
            .GroupBy(r => r.PromptIndex)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var item = items[g.Key];
                var rollouts = g.OrderBy(r => r.SampleIndex).Select(r => new Rollout(
                    r.TokenIds, r.TokenTexts, r.LogProbs, r.Versions, r.Text,
                    Truncated: r.FinishReason == FinishReason.Length && r.Length >= maxNewTokens)).ToList();
                return new RolloutGroup(item.GroupId, item.Prompt.Id, item.Prompt.Text, prompts[g.Key], item.Prompt.Gold,
                    startVersion, generatorName, rollouts);
            })
            .ToList();

        public void Dispose() => session.Dispose();
    }
}
