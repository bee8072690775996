using ActorRL.Core.Configuration;

namespace ActorRL.Tasks.Rewards;

/// <summary>How responses are verified and rewarded (<c>actorrl.verifier</c>).</summary>
/// <param name="Timeout">Longest a single verification may take before it counts as a time-out (reward 0).</param>
/// <param name="Tolerance">Relative tolerance of the math checker for values that are not exact rationals.</param>
/// <param name="FormatReward">Added to the reward when the response follows the task's answer format (0 disables).</param>
public sealed record VerifierSettings(TimeSpan Timeout, double Tolerance, double FormatReward)
{
    public static VerifierSettings FromConfig(SettingsReader r)
    {
        var timeout = r.GetDuration("timeout");
        var tolerance = r.GetDouble("tolerance", 0, 1);
        if (tolerance <= 0) throw r.Fail("tolerance", "must be greater than 0");
        return new VerifierSettings(timeout, tolerance, r.GetDouble("format-reward", 0, 10));
    }
}
