using ActorRL.Core.Configuration;

namespace ActorRL.Tasks.Countdown;

/// <summary>Settings of the countdown task (<c>actorrl.task.countdown</c>).</summary>
/// <param name="NumbersMin">Fewest numbers given.</param>
/// <param name="NumbersMax">Most numbers given.</param>
/// <param name="MaxNumber">Given numbers are drawn from 1..MaxNumber.</param>
/// <param name="MaxTarget">Targets are drawn from 1..MaxTarget (every target is reachable: it is built from the numbers).</param>
/// <param name="UseAll">Whether an answer must use every given number (exactly once each) rather than a subset.</param>
/// <param name="AllowFractions">Whether intermediate results may be fractions (e.g. 7/2*4 = 14); when false every division must be exact.</param>
public sealed record CountdownSettings(int NumbersMin, int NumbersMax, int MaxNumber, int MaxTarget, bool UseAll, bool AllowFractions)
{
    public static CountdownSettings FromConfig(SettingsReader r)
    {
        var min = r.GetInt("numbers-min", 2, 6);
        var max = r.GetInt("numbers-max", 2, 6);
        if (max < min) throw r.Fail("numbers-max", $"must be ≥ numbers-min ({min}), got {max}");
        return new CountdownSettings(min, max, r.GetInt("max-number", 2, 1000), r.GetInt("max-target", 2, 1_000_000),
            r.GetBool("use-all"), r.GetBool("allow-fractions"));
    }
}
