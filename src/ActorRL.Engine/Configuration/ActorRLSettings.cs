using ActorRL.Core.Configuration;
using ActorRL.Engine.Logging;

namespace ActorRL.Engine.Configuration;

/// <summary>
/// Every typed settings record of a run, built once from the effective configuration. Building it validates
/// the whole pipeline, which is what <c>actorrl config check</c> and <c>--dry-run</c> do.
/// </summary>
public sealed record ActorRLSettings(RunSettings Run, LoggingSettings Logging)
{
    public static ActorRLSettings FromConfig(PipelineConfig config)
    {
        var root = config.Reader("actorrl");
        return new ActorRLSettings(
            RunSettings.FromConfig(root.Section("run")),
            LoggingSettings.FromConfig(root.Section("logging")));
    }
}
