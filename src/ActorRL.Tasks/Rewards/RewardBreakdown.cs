namespace ActorRL.Tasks.Rewards;

/// <summary>
/// A response's reward and its parts, each reported as its own metric: <see cref="Correctness"/> (1 or 0),
/// <see cref="Format"/> (the format bonus, 0 when disabled or not earned), <see cref="Overlong"/> (0 down to −1).
/// When the verifier failed (<see cref="Failure"/> is not <see cref="VerifierFailure.None"/>), every part is 0.
/// </summary>
public sealed record RewardBreakdown(double Correctness, double Format, double Overlong, string? Extracted, VerifierFailure Failure)
{
    public double Total => Correctness + Format + Overlong;

    public bool IsCorrect => Correctness > 0;

    /// <summary>The parts by metric name (correctness, format, overlong), e.g. for <c>Rollout.RewardParts</c>.</summary>
    public IReadOnlyDictionary<string, double> Parts => new Dictionary<string, double>
    {
        ["correctness"] = Correctness,
        ["format"] = Format,
        ["overlong"] = Overlong,
    };

    /// <summary>"ok", "timeout" or "exception" — the form <c>Rollout.VerifierOutcome</c> records.</summary>
    public string Outcome => Failure.Reason() ?? "ok";
}
