using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Serilog;
using Serilog.Events;

namespace ActorRL.Engine.Logging;

/// <summary>
/// Routes Akka's own log events into Serilog (Akka.Logger.Serilog is not available to us). Listed in HOCON as
/// <c>akka.loggers = ["ActorRL.Engine.Logging.SerilogAkkaLogger, ActorRL.Engine"]</c>. The template and its
/// parameters are passed through unchanged, so structured properties survive; the actor path becomes
/// <c>SourceContext</c>.
/// </summary>
public sealed class SerilogAkkaLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public SerilogAkkaLogger()
    {
        Receive<Error>(e => Write(LogEventLevel.Error, e));
        Receive<Warning>(e => Write(LogEventLevel.Warning, e));
        Receive<Info>(e => Write(LogEventLevel.Information, e));
        Receive<Debug>(e => Write(LogEventLevel.Debug, e));
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
    }

    private static void Write(LogEventLevel level, Akka.Event.LogEvent e)
    {
        var logger = Log.Logger
            .ForContext("SourceContext", e.LogSource)
            .ForContext("AkkaThread", e.Thread.ManagedThreadId);
        var exception = e.Cause;
        if (e.Message is LogMessage message)
        {
            logger.Write(level, exception, message.Format, message.Parameters().ToArray());
        }
        else
        {
            logger.Write(level, exception, "{AkkaMessage}", e.Message);
        }
    }
}
