using ActorRL.Tasks.Isolation;

namespace ActorRL.Tasks.Rewards;

/// <summary>
/// Turns a verification outcome into a <see cref="RewardBreakdown"/>: correctness 1/0, plus the format bonus when
/// configured and earned, plus the soft overlong penalty when enabled. A failed verification (time-out or
/// exception) scores 0 in every part, so a broken verifier can never look like a long or badly formatted response.
/// </summary>
public sealed class RewardScorer(VerifierSettings settings, OverlongSettings overlong)
{
    /// <param name="outcome">What the (isolated) verifier returned.</param>
    /// <param name="responseLength">The response's length in tokens (for the overlong penalty).</param>
    public RewardBreakdown Score(VerifierOutcome outcome, int responseLength)
    {
        if (outcome.Verdict is not { } verdict) return new RewardBreakdown(0, 0, 0, null, outcome.Failure);
        var correctness = verdict.Correct ? 1.0 : 0.0;
        var format = verdict.Formatted ? settings.FormatReward : 0.0;
        return new RewardBreakdown(correctness, format, overlong.PenaltyFor(responseLength), verdict.Extracted, VerifierFailure.None);
    }
}
