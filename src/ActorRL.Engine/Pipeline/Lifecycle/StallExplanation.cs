namespace ActorRL.Engine.Pipeline.Lifecycle;

/// <summary>
/// The words of the one line a stalled run ends with: which stage is stuck, what that usually means, and what the
/// prompt book holds. A user reads it once, so it says what to do.
/// </summary>
public static class StallExplanation
{
    /// <summary>Said both when a batch's in-training lease ends and when the watchdog finds the whole run silent with the
    /// learner busy: the two race by up to one check period, and a user should read the same advice from either.</summary>
    private const string LearnerStepTooLong = "one learner step is taking longer than pipeline.stall-after (raise it if that is expected)";

    public static string Describe(PromptStage stage) => stage switch
    {
        PromptStage.Queued => "queued",
        PromptStage.Generating => "generating",
        PromptStage.Verifying => "verifying",
        PromptStage.Buffered => "buffered",
        PromptStage.InTraining => "in training",
        PromptStage.Consumed => "consumed",
        _ => "quarantined",
    };

    /// <summary>E.g. "prompts: 3 queued (oldest 61 s), 5 buffered (oldest 12 s)"; "prompts: none drawn" when empty.</summary>
    public static string Census(IReadOnlyList<StageCensus> census) => census.Count == 0
        ? "prompts: none live"
        : "prompts: " + string.Join(", ", census.Select(c => $"{c.Count} {Describe(c.Stage)} (oldest {c.Oldest.TotalSeconds:0} s)"));

    /// <summary>What a prompt stuck in <paramref name="stage"/> says about the pipeline, with the census.</summary>
    public static string Of(PromptStage stage, bool learnerWaiting, int generatorsWaiting, string census)
    {
        var meaning = stage switch
        {
            PromptStage.Queued => generatorsWaiting == 0
                ? "no generator asked for work (all stopped, or none connected)"
                : "generators ask but get nothing",
            PromptStage.Buffered => learnerWaiting ? "the learner waits for a batch that does not fill" : "the learner stopped asking for batches",
            PromptStage.InTraining => LearnerStepTooLong,
            _ => "its holder stopped",
        };
        return $"{meaning}; {census}. Resume with the same command.";
    }

    /// <summary>
    /// The line for a run in which nothing made progress for <paramref name="silence"/>: the stuck stage is the
    /// learner when it is not waiting for a batch, else the stage holding the oldest prompt, else the generators.
    /// <paramref name="census"/> null: the coordinator did not answer.
    /// </summary>
    public static string OfSilence(TimeSpan silence, TimeSpan stallAfter, string lastActor, string lastWhat, bool? learnerWaiting,
        IReadOnlyList<StageCensus>? census, int generatorsWaiting)
    {
        var head = $"the pipeline made no progress for {silence.TotalSeconds:0} s (pipeline.stall-after = {stallAfter.TotalSeconds:0} s; last progress: {lastActor}, {lastWhat})";
        string stuck;
        if (census is null || learnerWaiting is null) stuck = "the rollout coordinator (it does not answer)";
        else if (learnerWaiting == false) stuck = "the learner: " + LearnerStepTooLong + ", or an evaluation or the ledger has not returned";
        else if (census.Where(c => c.Stage is PromptStage.Generating or PromptStage.Verifying).MaxBy(c => c.Oldest) is { } oldest)
            stuck = oldest.Stage == PromptStage.Generating ? "generating (the generators hold prompts and return nothing)" : "verifying (the verifier pool returns nothing)";
        else stuck = generatorsWaiting > 0 ? "the learner's batch (generators ask, but no prompt can be admitted)" : "generating (no generator asks for work: all stopped, or none connected)";
        return $"{head}; stuck at: {stuck}; {Census(census ?? [])}. Resume with the same command.";
    }
}
