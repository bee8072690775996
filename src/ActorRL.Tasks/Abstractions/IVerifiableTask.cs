namespace ActorRL.Tasks;

/// <summary>
/// A source of verifiable prompts. The training stream is a pure function of the cursor (random access by
/// position), so resuming from a saved <see cref="PromptCursor"/> reproduces an uninterrupted run exactly;
/// the evaluation split is fixed at construction and never overlaps the training prompts.
/// </summary>
public interface IVerifiableTask
{
    /// <summary>Task name as configured (arithmetic, countdown, jsonl).</summary>
    string Name { get; }

    /// <summary>The training prompt at <paramref name="position"/>.</summary>
    TaskPrompt PromptAt(PromptCursor position);

    /// <summary>The position after <paramref name="position"/> (wraps to the next epoch at the end of a dataset).</summary>
    PromptCursor After(PromptCursor position);

    /// <summary>The held-out evaluation prompts, in a fixed order.</summary>
    IReadOnlyList<TaskPrompt> EvalPrompts { get; }

    /// <summary>Whether <see cref="DemonstrationAt"/> is available (built-in tasks only).</summary>
    bool HasDemonstrations { get; }

    /// <summary>The supervised demonstration number <paramref name="index"/> (drawn from the training distribution).</summary>
    Demonstration DemonstrationAt(long index);

    /// <summary>
    /// Every character the task's prompts and demonstrations can contain, sorted (build a character tokenizer from
    /// it); null when the text is open-ended (JSONL datasets).
    /// </summary>
    string? Alphabet { get; }

    /// <summary>The verifier that judges responses to this task's prompts.</summary>
    IAnswerVerifier Verifier { get; }
}
