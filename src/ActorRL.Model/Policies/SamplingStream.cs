namespace ActorRL.Model.Policies;

/// <summary>
/// The random numbers of one response: a counter-based stream (SplitMix64 of the prompt's seed, the sample's index
/// and the token's index), so the n-th token of a response is drawn with the same uniform whatever else shares the
/// batch, whenever the response joined it, and on whichever generator. A shared torch generator would hand out its
/// numbers in batch-row order, so one sequence's samples would depend on its batch-mates.
/// </summary>
public readonly struct SamplingStream(long promptSeed, int sampleIndex)
{
    private readonly ulong _key = Mix(unchecked((ulong)promptSeed ^ Mix((ulong)sampleIndex + 0x632BE59BD9B4E019UL)));

    /// <summary>The uniform in [0, 1) that draws token number <paramref name="tokenIndex"/> of this response.</summary>
    public double Uniform(int tokenIndex) => (Mix(_key + unchecked((ulong)(tokenIndex + 1) * 0x9E3779B97F4A7C15UL)) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The seed of prompt <paramref name="promptIndex"/> of a request seeded with <paramref name="requestSeed"/>.</summary>
    public static long PromptSeed(long requestSeed, int promptIndex) =>
        (long)(Mix(unchecked((ulong)requestSeed * 0xD1B54A32D192ED03UL + (ulong)promptIndex)) >> 1);

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
