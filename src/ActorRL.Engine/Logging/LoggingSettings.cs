using ActorRL.Core.Configuration;
using Serilog.Events;

namespace ActorRL.Engine.Logging;

/// <summary><c>actorrl.logging</c>: minimum level and whether a log file is written in the run directory.</summary>
public sealed record LoggingSettings(LogEventLevel Level, bool File)
{
    public static readonly string[] Levels = { "verbose", "debug", "information", "warning", "error", "fatal" };

    public static LoggingSettings FromConfig(SettingsReader r) =>
        new(Enum.Parse<LogEventLevel>(r.GetEnum("level", Levels), ignoreCase: true), r.GetBool("file"));
}
