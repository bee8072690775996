namespace ActorRL.Core.Algorithms;

/// <summary>
/// DAPO's soft overlong punishment (arXiv 2503.14476, eq. 13), added to a response's reward: 0 up to
/// L_max − L_cache tokens, then falling linearly to −1 at L_max, and −1 beyond. It tells the policy that
/// truncated answers are bad without punishing every long-but-finished one as harshly as a hard cut-off.
/// </summary>
public static class SoftOverlongPenalty
{
    public static double Penalty(int length, int maxLength, int cacheLength)
    {
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "must be ≥ 1");
        if (cacheLength < 0 || cacheLength > maxLength)
            throw new ArgumentOutOfRangeException(nameof(cacheLength), cacheLength, $"must be in [0, {maxLength}]");
        var free = maxLength - cacheLength;
        if (length <= free) return 0;
        if (length <= maxLength) return (double)(free - length) / cacheLength;
        return -1;
    }
}
