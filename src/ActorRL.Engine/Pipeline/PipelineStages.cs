using ActorRL.Core.Configuration;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// <c>actorrl.pipeline.stages</c>, resolved once: whether the run warm-starts on demonstrations (<c>sft</c>) and
/// whether it trains with RL (<c>rl</c>). The warm start, when there is one, comes first.
/// </summary>
public sealed record PipelineStages(bool WarmStart, bool Rl)
{
    public const string WarmStartName = "sft";
    public const string RlName = "rl";

    public static readonly PipelineStages Both = new(true, true);

    public static readonly string[] KnownNames = { WarmStartName, RlName };

    /// <summary>The stages in the order they run, as the configuration names them.</summary>
    public IReadOnlyList<string> Names => new[] { WarmStart ? WarmStartName : null, Rl ? RlName : null }.OfType<string>().ToList();

    public override string ToString() => string.Join(" → ", Names);

    public static PipelineStages FromConfig(SettingsReader r, string key)
    {
        var stages = r.GetStringList(key);
        foreach (var stage in stages)
            if (Array.IndexOf(KnownNames, stage) < 0)
                throw r.Fail(key, $"unknown stage \"{stage}\"; allowed: {string.Join(", ", KnownNames)}");
        if (stages.Count == 0) throw r.Fail(key, "needs at least one stage (sft, rl)");
        if (stages.Distinct().Count() != stages.Count) throw r.Fail(key, "lists a stage twice");
        if (stages.Count == 2 && stages[0] != WarmStartName) throw r.Fail(key, "the warm start (sft) must come before rl");
        return new PipelineStages(stages.Contains(WarmStartName), stages.Contains(RlName));
    }
}
