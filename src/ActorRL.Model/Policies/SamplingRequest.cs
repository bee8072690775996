namespace ActorRL.Model.Policies;

/// <summary>
/// What to sample: <see cref="SamplesPerPrompt"/> responses for each prompt (a GRPO group), each at most
/// <see cref="MaxNewTokens"/> long.
/// </summary>
/// <param name="Prompts">Token ids of each prompt (non-empty; no padding — the sampler pads).</param>
/// <param name="SamplesPerPrompt">Responses per prompt (the group size).</param>
/// <param name="Temperature">Logits are divided by this before softmax; 0 means greedy (arg-max).</param>
/// <param name="TopP">Nucleus sampling mass in (0, 1]; 1 samples from the whole temperature-scaled distribution.</param>
/// <param name="MaxNewTokens">Response length cap; a response that reaches it finishes with <see cref="FinishReason.Length"/>.</param>
/// <param name="StopTokenIds">Ids that end a response (kept as its last token). The tokenizer's EOS stops too unless <paramref name="IgnoreEos"/>.</param>
/// <param name="StopStrings">Texts that end a response as soon as the response's text contains one (the completing token is kept).</param>
/// <param name="Seed">
/// Seed of the request: prompt i draws from <see cref="SamplingStream"/>s seeded with <c>SamplingStream.PromptSeed(Seed, i)</c>
/// unless <paramref name="PromptSeeds"/> gives its seed. Same seeds, same weights → same samples on CPU.
/// </param>
/// <param name="UseKvCache">
/// True (the default) decodes incrementally from a key/value cache; false recomputes the whole sequence at every
/// step (slow; kept as the reference the cache is tested and benchmarked against).
/// </param>
/// <param name="IgnoreEos">
/// True decodes past EOS (only <see cref="StopTokenIds"/> and <see cref="StopStrings"/> stop): benchmarks use it to
/// decode exactly <see cref="MaxNewTokens"/> tokens.
/// </param>
/// <param name="TopK">Keep only the k most likely tokens; 0 = off.</param>
/// <param name="MinP">Keep only tokens at least this fraction as likely as the most likely one; 0 = off.</param>
/// <param name="PromptSeeds">One seed per prompt (a generator seeds each prompt from its id), or null.</param>
public sealed record SamplingRequest(
    IReadOnlyList<IReadOnlyList<int>> Prompts,
    int SamplesPerPrompt = 1,
    double Temperature = 1.0,
    double TopP = 1.0,
    int MaxNewTokens = 64,
    IReadOnlyList<int>? StopTokenIds = null,
    IReadOnlyList<string>? StopStrings = null,
    long Seed = 0,
    bool UseKvCache = true,
    bool IgnoreEos = false,
    int TopK = 0,
    double MinP = 0.0,
    IReadOnlyList<long>? PromptSeeds = null)
{
    public SamplingFilters Filters => new(Temperature, TopP, TopK, MinP);

    /// <summary>The seed of prompt <paramref name="promptIndex"/>'s responses.</summary>
    public long SeedOf(int promptIndex) => PromptSeeds?[promptIndex] ?? SamplingStream.PromptSeed(Seed, promptIndex);

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending field.</summary>
    public void Validate(int maxSequenceLength, int vocabularySize)
    {
        if (Prompts is null || Prompts.Count == 0)
            throw new ArgumentException("sampling needs at least one prompt", nameof(Prompts));
        if (SamplesPerPrompt < 1)
            throw new ArgumentException($"samples per prompt must be ≥ 1, got {SamplesPerPrompt}", nameof(SamplesPerPrompt));
        Filters.Validate();
        if (PromptSeeds is not null && PromptSeeds.Count != Prompts.Count)
            throw new ArgumentException($"{PromptSeeds.Count} prompt seeds for {Prompts.Count} prompts", nameof(PromptSeeds));
        if (MaxNewTokens < 1)
            throw new ArgumentException($"max new tokens must be ≥ 1, got {MaxNewTokens}", nameof(MaxNewTokens));
        for (var i = 0; i < Prompts.Count; i++)
        {
            var prompt = Prompts[i];
            if (prompt is null || prompt.Count == 0)
                throw new ArgumentException($"prompt {i} is empty; a prompt needs at least one token (e.g. BOS)", nameof(Prompts));
            if (prompt.Count + MaxNewTokens > maxSequenceLength)
                throw new ArgumentException(
                    $"prompt {i} has {prompt.Count} tokens; with max new tokens {MaxNewTokens} that exceeds the model's max sequence length {maxSequenceLength}",
                    nameof(Prompts));
            foreach (var id in prompt)
                if ((uint)id >= (uint)vocabularySize)
                    throw new ArgumentException($"prompt {i} holds token id {id}, outside the vocabulary (size {vocabularySize})", nameof(Prompts));
        }
        foreach (var id in StopTokenIds ?? [])
            if ((uint)id >= (uint)vocabularySize)
                throw new ArgumentException($"stop token id {id} is outside the vocabulary (size {vocabularySize})", nameof(StopTokenIds));
        foreach (var s in StopStrings ?? [])
            if (string.IsNullOrEmpty(s))
                throw new ArgumentException("stop strings may not be empty", nameof(StopStrings));
    }
}
