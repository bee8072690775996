namespace ActorRL.Tasks;

/// <summary>
/// A verifier's judgement of one response. <see cref="Extracted"/> is the final answer it found (null when none);
/// <see cref="Formatted"/> says whether the response followed the task's answer format (used by the format reward).
/// </summary>
public sealed record Verdict(bool Correct, bool Formatted, string? Extracted)
{
    public static Verdict NoAnswer { get; } = new(false, false, null);
}
