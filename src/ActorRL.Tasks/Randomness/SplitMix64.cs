namespace ActorRL.Tasks.Randomness;

/// <summary>
/// A tiny, fully specified pseudo-random generator (SplitMix64, Steele et al. 2014). Tasks create one per prompt
/// position from a stable hash of (seed, stream, position), which makes every prompt reproducible by itself —
/// the property resumable cursors rest on. System.Random is avoided because its algorithm is not a contract.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return StableHash.Mix(_state);
    }

    /// <summary>Uniform in [0, exclusiveMax) without modulo bias.</summary>
    public long NextLong(long exclusiveMax)
    {
        if (exclusiveMax <= 0) throw new ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "must be positive");
        var bound = (ulong)exclusiveMax;
        var limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong draw;
        do draw = NextULong(); while (draw >= limit);
        return (long)(draw % bound);
    }

    /// <summary>Uniform in [min, max] (both inclusive).</summary>
    public int NextInt(int min, int max) => min + (int)NextLong((long)max - min + 1);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[(int)NextLong(items.Count)];

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = (int)NextLong(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
