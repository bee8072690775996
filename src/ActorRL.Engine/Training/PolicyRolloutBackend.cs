using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Model.Policies;
using ActorRL.Model.Policies.Batching;

namespace ActorRL.Engine.Training;

/// <summary>
/// A generator's compute: its own policy replica decoding a continuous batch (<see cref="IContinuousBatch"/>) that
/// lives as long as the generator, so its KV cache is allocated once. Weights arrive as snapshots and are copied in
/// between decoding steps; every token records the oldest version that influenced it.
/// </summary>
/// <param name="continuous">
/// True: prompts join the running batch as sequences finish. False: the batch is refilled only once it has drained
/// (deterministic runs: which prompts share a pass must not depend on timing, since float sums depend on the batch).
/// </param>
public sealed class PolicyRolloutBackend(IPolicy policy, PromptEncoding encoding, int groupSize, int promptsPerGeneration,
    Pipeline.GenerationSettings generation, long runSeed, bool continuous) : IRolloutBackend
{
    private bool _loaded;
    private IContinuousBatch? _batch;

    public long Version => _loaded ? policy.Version : -1;

    public void LoadWeights(WeightsPublished weights)
    {
        if (weights.Weights is null) throw new ArgumentException("a policy generator needs weights, got a version without them");
        SnapshotConversion.Load(policy, weights.Weights);
        _loaded = true;
    }

    public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName)
    {
        _batch ??= policy.BeginContinuousBatch(Options(generation.Batch(groupSize, promptsPerGeneration, policy.MaxSequenceLength)));
        if (!_batch.IsIdle) throw new InvalidOperationException("a generation is still running on this backend");
        var run = new Generation(_batch, encoding, runSeed, generatorName, generation.MaxNewTokens, continuous);
        run.Admit(items);
        return run;
    }

    private ContinuousBatchOptions Options(Pipeline.BatchLimits limits) => new(
        new SamplingFilters(generation.Temperature, generation.TopP, generation.TopK, generation.MinP),
        generation.MaxNewTokens, groupSize, limits.MaxSequences, limits.KvBudgetTokens, generation.OnWeightUpdate,
        StopTokenIds: encoding.StopTokenIds,
        StopStrings: generation.StopStrings.Count > 0 ? generation.StopStrings : null);

    public void Dispose()
    {
        _batch?.Dispose();
        policy.Dispose();
    }

    /// <summary>
    /// A prompt's seed depends on the run's seed and the prompt's id (unique per draw), and on nothing about the
    /// generator: not its history, its batch-mates, or which of several generators or nodes got the work. So a run
    /// resumed from a checkpoint, or one whose generators took the same prompts in another order, samples the same responses.
    /// </summary>
    public static long SamplingSeed(long seed, WorkItem item)
    {
        var hash = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
        foreach (var c in item.Prompt.Id)
            hash = unchecked((hash ^ c) * 0x100000001B3UL);
        return (long)(hash >> 1);
    }

    /// <summary>One stretch of the generator's batch from non-idle to idle: the work items it took in, by key.</summary>
    private sealed class Generation(IContinuousBatch batch, PromptEncoding encoding, long runSeed, string generatorName, int maxNewTokens,
        bool continuous) : IGroupGeneration
    {
        private readonly Dictionary<long, (WorkItem Item, IReadOnlyList<int> Prompt)> _items = new();
        private readonly List<RolloutGroup> _finished = new();
        private long _nextKey;

        public bool IsFinished => batch.IsIdle;

        public long TokensGenerated { get; private set; }

        public int Room => continuous ? batch.Room : 0;

        public void Admit(IReadOnlyList<WorkItem> items)
        {
            foreach (var item in items)
            {
                var prompt = encoding.Prompt(item.Prompt.Text);
                var key = _nextKey++;
                batch.Add(key, prompt, SamplingSeed(runSeed, item));
                _items.Add(key, (item, prompt));
            }
        }

        public void Step()
        {
            TokensGenerated += batch.Step();
            foreach (var done in batch.TakeFinished()) _finished.Add(ToGroup(done));
        }

        public IReadOnlyList<RolloutGroup> Results => TakeFinished();

        public IReadOnlyList<RolloutGroup> TakeFinished()
        {
            var groups = _finished.ToList();
            _finished.Clear();
            return groups;
        }

        private RolloutGroup ToGroup(FinishedPrompt done)
        {
            var (item, prompt) = _items[done.Key];
            _items.Remove(done.Key);
            var rollouts = done.Responses.Select(r => new Rollout(
                r.TokenIds, r.TokenTexts, r.LogProbs, r.Versions, r.Text,
                Truncated: r.FinishReason == FinishReason.Length && r.Length >= maxNewTokens)).ToList();
            return new RolloutGroup(item.GroupId, item.Prompt.Id, item.Prompt.Text, prompt, item.Prompt.Gold,
                done.StartVersion, generatorName, rollouts);
        }

        // The batch outlives this generation (it is the backend's); what is still decoding when the generator stops or
        // fails goes with the backend.
        public void Dispose() { }
    }
}
