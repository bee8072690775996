using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorRL.Engine.Logging;

/// <summary>Builds the process-wide Serilog logger: console (stderr) plus, when enabled, a rolling file in the run directory.</summary>
public static class LoggingSetup
{
    public const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";
    public const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext} {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Configures <see cref="Log.Logger"/>. <paramref name="verbose"/> lowers the level to Debug.
    /// Returns the console's own level switch, so a live view can quiet the console while it draws without
    /// taking anything away from the log file.
    /// </summary>
    public static LoggingLevelSwitch Configure(LoggingSettings settings, string? runDirectory, bool verbose, bool console = true)
    {
        var level = verbose && settings.Level > LogEventLevel.Debug ? LogEventLevel.Debug : settings.Level;
        var consoleSwitch = new LoggingLevelSwitch(level);
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .Enrich.FromLogContext();
        if (console)
            config = config.WriteTo.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Verbose, levelSwitch: consoleSwitch);
        if (settings.File && runDirectory is not null)
        {
            Directory.CreateDirectory(runDirectory);
            config = config.WriteTo.Async(a => a.File(Path.Combine(runDirectory, "actorrl-.log"),
                rollingInterval: RollingInterval.Day, outputTemplate: FileTemplate, shared: true));
        }
        Log.Logger = config.CreateLogger();
        return consoleSwitch;
    }
}
