using ActorRL.Core.Rollouts;
using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline;

/// <summary>Reward 1 for a correct answer, 0 otherwise, straight from a verifier (synthetic workloads, tests).</summary>
public sealed class VerdictRewardFunction(IAnswerVerifier verifier) : IRewardFunction
{
    private static readonly IReadOnlyDictionary<string, int> NoFailures = new Dictionary<string, int>();

    public (RolloutGroup Scored, IReadOnlyDictionary<string, int> Failures) Score(RolloutGroup group)
    {
        var rollouts = group.Rollouts
            .Select(r => r with { Reward = verifier.Verify(group.Gold, r.Text).Correct ? 1 : 0, VerifierOutcome = "ok" })
            .ToList();
        return (group with { Rollouts = rollouts }, NoFailures);
    }
}
