using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorRL.Engine.Tests.Logging;

/// <summary>Serilog's static logger is process-wide: tests that replace it must not run in parallel.</summary>
[CollectionDefinition("Serilog global logger", DisableParallelization = true)]
public sealed class SerilogGlobalLoggerCollection { }

[Collection("Serilog global logger")]
public class SerilogAkkaLoggerTests
{
    private sealed class CollectingSink : ILogEventSink
    {
        public readonly List<Serilog.Events.LogEvent> Events = new();
        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            lock (Events) Events.Add(logEvent);
        }
    }

    [Fact]
    public async Task AkkaWarningReachesSerilogWithItsStructuredProperties()
    {
        var sink = new CollectingSink();
        var previous = Log.Logger;
        Log.Logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        try
        {
            var config = ConfigurationFactory.ParseString("""
                akka.loggers = ["ActorRL.Engine.Logging.SerilogAkkaLogger, ActorRL.Engine"]
                akka.loglevel = DEBUG
                akka.stdout-loglevel = OFF
                """);
            using var system = ActorSystem.Create("logging-test", config);
            system.Log.Warning("Generator {GeneratorId} stalled for {Seconds} s", "gen-3", 42);

            Serilog.Events.LogEvent? seen = null;
            for (var i = 0; i < 100 && seen is null; i++)
            {
                lock (sink.Events) seen = sink.Events.FirstOrDefault(e => e.MessageTemplate.Text.Contains("stalled"));
                if (seen is null) await Task.Delay(50);
            }

            Assert.NotNull(seen);
            Assert.Equal(LogEventLevel.Warning, seen!.Level);
            Assert.Equal("Generator \"gen-3\" stalled for 42 s", seen.RenderMessage());
            Assert.Equal("\"gen-3\"", seen.Properties["GeneratorId"].ToString());
            Assert.True(seen.Properties.ContainsKey("SourceContext"));
            await system.Terminate();
        }
        finally
        {
            Log.Logger = previous;
        }
    }
}
