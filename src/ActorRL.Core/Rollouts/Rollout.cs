namespace ActorRL.Core.Rollouts;

/// <summary>One sampled response with everything the learner needs to correct for staleness.</summary>
/// <param name="TokenIds">Response token ids (prompt excluded, EOS included when sampled).</param>
/// <param name="TokenTexts">Text of each token (subsentence splitting works on these).</param>
/// <param name="BehaviourLogProbs">Log-prob of each token under the policy that sampled it (temperature-scaled).</param>
/// <param name="TokenVersions">Policy version that produced each token: a response may span versions
/// because generators adopt new weights between decoding steps.</param>
/// <param name="Text">The decoded response, what the verifier reads.</param>
/// <param name="Reward">Total reward (set by the verifier stage; 0 before).</param>
/// <param name="RewardParts">Named components of the reward (correctness, format, overlong…) for metrics.</param>
/// <param name="VerifierOutcome">"ok", or why the verifier scored 0 (timeout, exception).</param>
public sealed record Rollout(
    IReadOnlyList<int> TokenIds,
    IReadOnlyList<string> TokenTexts,
    IReadOnlyList<float> BehaviourLogProbs,
    IReadOnlyList<long> TokenVersions,
    string Text,
    bool Truncated,
    double Reward = 0,
    IReadOnlyDictionary<string, double>? RewardParts = null,
    string VerifierOutcome = "unscored")
{
    public int Length => TokenIds.Count;

    public long OldestVersion => TokenVersions.Count == 0 ? long.MaxValue : TokenVersions.Min();
}

/// <summary>
/// The unit that flows through the pipeline: G responses to one prompt. Immutable; a stage that adds
/// information (scores) makes a new group.
/// </summary>
/// <param name="GroupId">Unique id of this attempt (a regenerated prompt gets a new group id).</param>
/// <param name="PromptId">Stable id of the task prompt (what the ledger records as consumed).</param>
/// <param name="PromptTokenIds">Prompt tokens as the policy saw them.</param>
/// <param name="Gold">Gold answer for the verifier.</param>
/// <param name="StartVersion">Policy version when generation started (admission control used it).</param>
/// <param name="Generator">Name of the generator that produced it (metrics, fault accounting).</param>
public sealed record RolloutGroup(
    string GroupId,
    string PromptId,
    string PromptText,
    IReadOnlyList<int> PromptTokenIds,
    string Gold,
    long StartVersion,
    string Generator,
    IReadOnlyList<Rollout> Rollouts)
{
    /// <summary>The oldest policy version of any token: what the staleness bound is checked against.</summary>
    public long OldestTokenVersion => Rollouts.Count == 0 ? StartVersion : Math.Min(StartVersion, Rollouts.Min(r => r.OldestVersion));

    /// <summary>The newest policy version of any token (a generator that adopted new weights mid-response sampled with several).</summary>
    public long NewestTokenVersion => Rollouts.SelectMany(r => r.TokenVersions).DefaultIfEmpty(StartVersion).Max();

    public bool AllRewardsEqual => Rollouts.Select(r => r.Reward).Distinct().Count() <= 1;

    public long Staleness(long learnerVersion) => learnerVersion - OldestTokenVersion;
}
