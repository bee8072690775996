using System.Text;

namespace ActorRL.Tasks.Randomness;

/// <summary>
/// Hashes that never change between runs, machines or .NET versions (string.GetHashCode is randomized per
/// process, so it cannot decide splits or seeds that must survive a restart).
/// </summary>
public static class StableHash
{
    /// <summary>64-bit FNV-1a of the UTF-8 bytes, finalized with a SplitMix64 mix for good low bits.</summary>
    public static ulong Of(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return Mix(hash);
    }

    /// <summary>Combines values into one well-mixed 64-bit value (order matters).</summary>
    public static ulong Combine(params ReadOnlySpan<ulong> parts)
    {
        var hash = 0x9E3779B97F4A7C15UL;
        foreach (var part in parts) hash = Mix(hash ^ Mix(part + 0x632BE59BD9B4E019UL));
        return hash;
    }

    /// <summary>SplitMix64's finalizer: a bijection that spreads every input bit over the output.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
