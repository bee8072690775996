namespace ActorRL.Benchmarks.Generation;

/// <summary>
/// Response lengths of an RLVR workload: log-normal (most responses short, a few near the cap), as the length
/// distributions of reasoning RL are (DAPO's and AReaL's papers plot long right tails; the main job's responses are
/// the same shape at 48 tokens). A static batch waits for its longest response, which is what makes the tail costly.
/// </summary>
public static class LongTailedLengths
{
    /// <summary><paramref name="count"/> lengths in [1, <paramref name="max"/>], median about max / 6, σ = 1 (natural log).</summary>
    public static int[] Draw(int count, int max, int seed)
    {
        var random = new Random(seed);
        var median = Math.Max(1.0, max / 6.0);
        return Enumerable.Range(0, count).Select(_ =>
        {
            // Box–Muller: one standard normal per draw.
            var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return (int)Math.Clamp(Math.Round(median * Math.Exp(z)), 1, max);
        }).ToArray();
    }
}
