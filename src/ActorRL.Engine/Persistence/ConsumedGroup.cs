namespace ActorRL.Engine.Persistence;

/// <summary>
/// One group a counted learner step trained on, as the ledger recorded it: which policy versions sampled it. The step
/// trained version <c>Version − 1</c> into <c>Version</c>, so its lag (what the staleness bound limits) is
/// <c>Version − 1 − OldestVersion</c>. Versions are null for steps recorded before they were.
/// </summary>
public sealed record ConsumedGroup(int Step, long Version, string PromptId, long? OldestVersion, long? NewestVersion)
{
    public long? Lag => OldestVersion is { } oldest ? Version - 1 - oldest : null;

    /// <summary>Every group of every step that counts (steps voided by a resume are left out), in step and batch order.</summary>
    public static IReadOnlyList<ConsumedGroup> From(IReadOnlyList<ILedgerEvent> history) => LedgerHistory.EffectiveSteps(history)
        .SelectMany(s => s.PromptIds.Select((prompt, i) => new ConsumedGroup(s.Step, s.Version, prompt, s.OldestVersions?[i], s.NewestVersions?[i])))
        .ToList();

    /// <summary>How many groups were trained at each lag, smallest first (groups recorded without versions left out).</summary>
    public static IReadOnlyDictionary<long, int> CountByLag(IEnumerable<ConsumedGroup> groups) =>
        new SortedDictionary<long, int>(groups.Where(g => g.Lag is not null).GroupBy(g => g.Lag!.Value).ToDictionary(g => g.Key, g => g.Count()));
}
