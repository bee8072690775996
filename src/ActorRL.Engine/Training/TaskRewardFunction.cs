using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Tasks;
using ActorRL.Tasks.Isolation;
using ActorRL.Tasks.Rewards;
using Serilog;

namespace ActorRL.Engine.Training;

/// <summary>
/// The task's verifier behind a time-out and exception guard, then the reward parts (correctness, format,
/// overlong). A failed verification scores 0 and is counted by kind; the first of each kind is logged.
/// </summary>
public sealed class TaskRewardFunction(IsolatedVerifier verifier, RewardScorer scorer) : IRewardFunction
{
    public (RolloutGroup Scored, IReadOnlyDictionary<string, int> Failures) Score(RolloutGroup group)
    {
        var failures = new Dictionary<string, int>();
        var rollouts = new List<Rollout>(group.Rollouts.Count);
        foreach (var rollout in group.Rollouts)
        {
            var outcome = verifier.Verify(group.Gold, rollout.Text);
            if (outcome.Failure != VerifierFailure.None)
            {
                var kind = outcome.Failure.Reason() ?? "failure";
                failures[kind] = failures.GetValueOrDefault(kind) + 1;
                if (outcome.FirstOfItsKind)
                    Log.Warning("Verifier {Kind} on prompt {PromptId}: {Detail} (scored 0; further ones are only counted)", kind, group.PromptId, outcome.Detail);
            }
            var reward = scorer.Score(outcome, rollout.Length);
            rollouts.Add(rollout with { Reward = reward.Total, RewardParts = reward.Parts, VerifierOutcome = reward.Outcome });
        }
        return (group with { Rollouts = rollouts }, failures);
    }
}
