namespace ActorRL.Tasks.Rewards;

/// <summary>
/// DAPO's soft overlong punishment in response tokens: L_max (<see cref="MaxLength"/>, the generation's maximum
/// response length) and L_cache (<see cref="CacheLength"/>). It is configured once, under
/// <c>actorrl.algorithm.overlong-penalty</c> (enabled by the dapo preset), and the caller resolves it with
/// <c>OverlongPenaltySettings.CacheLengthFor(maxLength)</c>; this record only carries the resolved numbers.
/// </summary>
public sealed record OverlongSettings(bool Enabled, int MaxLength, int CacheLength)
{
    public static OverlongSettings Disabled { get; } = new(false, 1, 0);

    public double PenaltyFor(int responseLength) =>
        Enabled ? Core.Algorithms.SoftOverlongPenalty.Penalty(responseLength, MaxLength, CacheLength) : 0;
}
