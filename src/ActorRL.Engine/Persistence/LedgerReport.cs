using System.Globalization;

namespace ActorRL.Engine.Persistence;

/// <summary>What a run's ledger says, in a few lines a person can check: steps, prompts, checkpoints, resumes.</summary>
public sealed record LedgerReport(
    int Events,
    int StepsRecorded,
    int EffectiveSteps,
    int PromptsConsumed,
    int DistinctPrompts,
    IReadOnlyList<CheckpointCommitted> Checkpoints,
    IReadOnlyList<RunResumed> Resumes,
    RunCompleted? Completed,
    IReadOnlyDictionary<long, int>? GroupsByLag = null)
{
    public static LedgerReport From(IReadOnlyList<ILedgerEvent> history)
    {
        var effective = LedgerHistory.EffectiveSteps(history);
        var prompts = effective.SelectMany(s => s.PromptIds).ToList();
        return new LedgerReport(history.Count, history.OfType<StepTrained>().Count(), effective.Count, prompts.Count, prompts.Distinct().Count(),
            history.OfType<CheckpointCommitted>().ToList(), history.OfType<RunResumed>().Where(r => r.FromStep >= 0).ToList(),
            history.OfType<RunCompleted>().LastOrDefault(),
            ConsumedGroup.CountByLag(ConsumedGroup.From(history)));
    }

    public string Describe()
    {
        var lines = new List<string>
        {
            $"{Events} events",
            $"steps trained: {EffectiveSteps} counted ({StepsRecorded} recorded; {StepsRecorded - EffectiveSteps} voided by resumes and trained again)",
            $"prompts consumed: {PromptsConsumed}, {DistinctPrompts} distinct" + (PromptsConsumed == DistinctPrompts ? " (each exactly once)" : " — SOME TWICE"),
            $"checkpoints committed: {Checkpoints.Count}" + (Checkpoints.Count > 0 ? $", newest: step {Checkpoints[^1].Step} ({Checkpoints[^1].Directory})" : ""),
            $"prompts quarantined: " + (Checkpoints.Count == 0 || Checkpoints[^1].Quarantined is not { Length: > 0 } quarantined
                ? "none"
                : string.Join(", ", quarantined.Select(q => $"{q.PromptId} ({q.Position}, {q.Failures} failed attempts, last: {q.LastFailure})"))),
            "policy lag of consumed groups (learner version − oldest token version): " + (GroupsByLag is not { Count: > 0 } lags
                ? "not recorded"
                : string.Join(", ", lags.Select(kv => $"{kv.Key}: {kv.Value}"))),
            $"resumes: {(Resumes.Count == 0 ? "none" : string.Join(", ", Resumes.Select(r => $"from step {r.FromStep}")))}",
            Completed is { } done
                ? $"completed: {done.Steps} steps, version {done.Version}" +
                  (done.AccuracyAfter is { } a ? ", accuracy after " + a.ToString("P1", CultureInfo.InvariantCulture) : "")
                : "completed: no",
        };
        return string.Join(Environment.NewLine, lines);
    }
}
