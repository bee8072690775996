using ActorRL.Core.Algorithms;
using ActorRL.Core.Rollouts;

namespace ActorRL.Engine.Training;

/// <summary>One response the learner trains on, with its advantage.</summary>
public sealed record TrainingResponse(RolloutGroup Group, Rollout Rollout, float Advantage)
{
    /// <summary>Prompt + response tokens: what scoring it costs in a padded micro-batch row.</summary>
    public int SequenceLength => Group.PromptTokenIds.Count + Rollout.TokenIds.Count;
}

/// <summary>
/// The responses of one optimizer update, cut into micro-batches (<see cref="MicroBatchPlan"/>), and the totals their
/// losses normalise by. The cut is a pure function of the responses and the budget, so every epoch of a step scores
/// the same micro-batches.
/// </summary>
public sealed record UpdateBatch(IReadOnlyList<IReadOnlyList<TrainingResponse>> MicroBatches, BatchTotals Totals)
{
    public static UpdateBatch Of(IReadOnlyList<TrainingResponse> responses, int? tokenBudget)
    {
        if (responses.Count == 0) throw new ArgumentException("an update needs at least one response", nameof(responses));
        var micro = MicroBatchPlan.Pack(responses.Select(r => r.SequenceLength).ToList(), tokenBudget)
            .Select(indices => (IReadOnlyList<TrainingResponse>)indices.Select(i => responses[i]).ToList())
            .ToList();
        var totals = new BatchTotals(
            responses.Count,
            responses.Sum(r => (long)r.Rollout.TokenIds.Count),
            Math.Max(1, responses.Max(r => r.Rollout.TokenIds.Count)));
        return new UpdateBatch(micro, totals);
    }
}
