using ActorRL.Core.Configuration;

namespace ActorRL.Engine.Pipeline;

/// <summary><c>actorrl.generation</c>: how generators sample responses.</summary>
public sealed record GenerationSettings(double Temperature, double TopP, int MaxNewTokens, IReadOnlyList<string> StopStrings)
{
    public static GenerationSettings FromConfig(SettingsReader r)
    {
        var settings = new GenerationSettings(
            r.GetDouble("temperature", 0, 100),
            r.GetDouble("top-p", 0, 1),
            r.GetInt("max-new-tokens", 1, 1_000_000),
            r.GetStringList("stop"));
        if (settings.TopP <= 0) throw r.Fail("top-p", "must lie in (0, 1]");
        return settings;
    }
}
