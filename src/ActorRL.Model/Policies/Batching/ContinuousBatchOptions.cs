namespace ActorRL.Model.Policies.Batching;

/// <summary>What a continuous batch does with the keys and values it cached when new weights arrive mid-response.</summary>
public enum WeightUpdateMode
{
    /// <summary>
    /// Keep them: later tokens are computed with the new weights but attend to keys and values of the old ones, so each
    /// token is labelled with the oldest version that influenced it (its sequence's oldest cached entry).
    /// </summary>
    KeepCache,
    /// <summary>Recompute every active sequence's cache with the new weights (AReaL's choice); later tokens carry the new version.</summary>
    RecomputeCache,
}

/// <param name="SamplesPerPrompt">G: responses per prompt, sharing the prompt's cached keys and values.</param>
/// <param name="MaxSequences">Sequences decoding at once, ≥ G.</param>
/// <param name="KvBudgetTokens">
/// Token slots the KV cache may hold: rows × columns, as a sequence keeps a row of columns for its prompt and its
/// longest possible response. A prompt starts only once the running sequences and its G fit — (rows + G) × the
/// longest prompt + max-new-tokens among them — so a sequence never runs out of room and none is ever evicted.
/// </param>
public sealed record ContinuousBatchOptions(
    SamplingFilters Filters,
    int MaxNewTokens,
    int SamplesPerPrompt,
    int MaxSequences,
    int KvBudgetTokens,
    WeightUpdateMode OnWeightUpdate = WeightUpdateMode.KeepCache,
    IReadOnlyList<int>? StopTokenIds = null,
    IReadOnlyList<string>? StopStrings = null,
    bool IgnoreEos = false)
{
    /// <summary>
    /// Rows the cache may hold, finished sequences' holes included: a quarter more than the sequences that may run, so a
    /// finished sequence's row need not be reclaimed at once (each compaction copies every row after the first hole).
    /// </summary>
    public int CacheRows => MaxSequences + MaxSequences / 4;

    /// <summary>A KV budget that never binds: every cache row at <paramref name="columns"/> (the longest sequence there may be).</summary>
    public static int UnboundedBudget(int maxSequences, int columns) => (int)Math.Min(int.MaxValue - 1, (long)(maxSequences + maxSequences / 4) * columns);

    /// <summary>Columns a sequence with a prompt of <paramref name="promptTokens"/> needs: the prompt and its longest response.</summary>
    public int Columns(int promptTokens) => promptTokens + MaxNewTokens;

    /// <summary>Token slots (rows × columns) <paramref name="rows"/> sequences need when the longest prompt among them has <paramref name="promptTokens"/>.</summary>
    public long Slots(int rows, int promptTokens) => (long)rows * Columns(promptTokens);

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending field.</summary>
    public void Validate(int vocabularySize)
    {
        Filters.Validate();
        if (MaxNewTokens < 1) throw new ArgumentException($"max new tokens must be ≥ 1, got {MaxNewTokens}", nameof(MaxNewTokens));
        if (SamplesPerPrompt < 1) throw new ArgumentException($"samples per prompt must be ≥ 1, got {SamplesPerPrompt}", nameof(SamplesPerPrompt));
        if (MaxSequences < SamplesPerPrompt)
            throw new ArgumentException($"max sequences ({MaxSequences}) must hold at least one group of {SamplesPerPrompt}", nameof(MaxSequences));
        if (KvBudgetTokens < Slots(SamplesPerPrompt, 1))
            throw new ArgumentException($"the KV budget of {KvBudgetTokens} tokens cannot hold one group ({Slots(SamplesPerPrompt, 1)} tokens and more)", nameof(KvBudgetTokens));
        foreach (var id in StopTokenIds ?? [])
            if ((uint)id >= (uint)vocabularySize)
                throw new ArgumentException($"stop token id {id} is outside the vocabulary (size {vocabularySize})", nameof(StopTokenIds));
        foreach (var s in StopStrings ?? [])
            if (string.IsNullOrEmpty(s)) throw new ArgumentException("stop strings may not be empty", nameof(StopStrings));
    }
}

/// <summary>A prompt whose G responses have all ended.</summary>
/// <param name="Key">The caller's key given to <see cref="IContinuousBatch.Add"/>.</param>
/// <param name="StartVersion">Policy version of the prompt's prefill.</param>
/// <param name="Responses">Its responses, by sample index (<see cref="SampledResponse.PromptIndex"/> is 0).</param>
public sealed record FinishedPrompt(long Key, long StartVersion, IReadOnlyList<SampledResponse> Responses);

/// <summary>
/// Continuous batching: sequences join and leave a running decode batch. Prompts wait until the batch has room for
/// their G sequences and the KV budget for their worst case; at the next step their prefill runs beside the decode
/// of the running sequences, and a prompt leaves as soon as all G responses ended. Each response draws from its own
/// <see cref="SamplingStream"/>, so its tokens do not depend on which sequences share its batch.
/// </summary>
public interface IContinuousBatch : IDisposable
{
    /// <summary>
    /// Queues a prompt; it starts at the first step with room for it. <paramref name="responseLengths"/> (benchmarks)
    /// caps each of its G responses at its own length, at most max-new-tokens.
    /// </summary>
    void Add(long key, IReadOnlyList<int> prompt, long seed, IReadOnlyList<int>? responseLengths = null);

    /// <summary>Decode steps run, and the sequence rows they decoded in all (slot utilisation = rows / (steps × max sequences)).</summary>
    (long Steps, long Rows) Work { get; }

    /// <summary>Sequences decoding now.</summary>
    int ActiveSequences { get; }

    /// <summary>Prompts added but not started (no room or no KV budget yet).</summary>
    int Waiting { get; }

    /// <summary>Nothing decoding and nothing waiting.</summary>
    bool IsIdle { get; }

    /// <summary>Prompts that could join now: free sequence rows / G, less the waiting ones.</summary>
    int Room { get; }

    /// <summary>Token slots the running sequences need (rows × columns), hold now (their positions so far), and the cache has allocated.</summary>
    (long Reserved, int InUse, int Allocated) KvUsage { get; }

    /// <summary>One step: starts waiting prompts that fit (their prefill), decodes every running sequence; returns tokens produced.</summary>
    int Step();

    /// <summary>Prompts finished since the last call.</summary>
    IReadOnlyList<FinishedPrompt> TakeFinished();
}
