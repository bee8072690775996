using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Pipeline;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace ActorRL.Engine.Tests.Logging;

/// <summary>Serilog's static logger is process-wide: tests that replace it must not run in parallel.</summary>
[CollectionDefinition("Serilog global logger", DisableParallelization = true)]
public sealed class SerilogGlobalLoggerCollection { }

/// <summary>
/// Akka's log events reach Serilog through Akka.Logger.Serilog (akka.loggers in reference.conf) with their
/// templates' structured properties, as the actors write them (<c>_log.Info("x {Count}", n)</c>).
/// </summary>
[Collection("Serilog global logger")]
public class AkkaSerilogLoggingTests
{
    private sealed class CollectingSink : ILogEventSink
    {
        public readonly List<Serilog.Events.LogEvent> Events = new();
        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            lock (Events) Events.Add(logEvent);
        }
    }

    private sealed class Stalling : ReceiveActor
    {
        private readonly ILoggingAdapter _log = Context.GetLogger();

        public Stalling() => Receive<int>(seconds => _log.Warning("Generator {GeneratorId} stalled for {Seconds} s", "gen-3", seconds));
    }

    [Fact]
    public async Task AnActorsLogTemplateArrivesInSerilogWithItsProperties()
    {
        var sink = new CollectingSink();
        var previous = Log.Logger;
        Log.Logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        try
        {
            // The shipped configuration: reference.conf's akka section, as a run builds it.
            var akka = ActorSystemConfig.Build(PipelineConfig.FromText("akka.loglevel = DEBUG").Render("akka"), "DEBUG");
            using var system = ActorSystem.Create("logging-test", akka);
            system.ActorOf(Props.Create(() => new Stalling()), "generator-3").Tell(42);

            Serilog.Events.LogEvent? seen = null;
            for (var i = 0; i < 100 && seen is null; i++)
            {
                lock (sink.Events) seen = sink.Events.FirstOrDefault(e => e.MessageTemplate.Text.Contains("stalled"));
                if (seen is null) await Task.Delay(50);
            }

            Assert.NotNull(seen);
            Assert.Equal(LogEventLevel.Warning, seen!.Level);
            Assert.Equal("Generator {GeneratorId} stalled for {Seconds} s", seen.MessageTemplate.Text);
            Assert.Equal("Generator \"gen-3\" stalled for 42 s", seen.RenderMessage());
            Assert.Equal("\"gen-3\"", seen.Properties["GeneratorId"].ToString());
            Assert.Equal("42", seen.Properties["Seconds"].ToString());
            Assert.Contains("generator-3", seen.Properties["ActorPath"].ToString());
            Assert.True(seen.Properties.ContainsKey("SourceContext"));

            // As a JSON sink writes it: the properties are fields, not only text in the message.
            var json = new StringWriter();
            new JsonFormatter().Format(seen, json);
            var properties = JsonDocument.Parse(json.ToString()).RootElement.GetProperty("Properties");
            Assert.Equal("gen-3", properties.GetProperty("GeneratorId").GetString());
            Assert.Equal(42, properties.GetProperty("Seconds").GetInt32());
            await system.Terminate();
        }
        finally
        {
            Log.Logger = previous;
        }
    }
}
