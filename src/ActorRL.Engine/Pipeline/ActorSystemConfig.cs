using System.Globalization;
using Akka.Configuration;

namespace ActorRL.Engine.Pipeline;

/// <summary>The Akka configuration a run's actor system starts with: our dispatchers, then the user's akka section.</summary>
public static class ActorSystemConfig
{
    /// <summary>
    /// Model-owning actors (learner, generators) get a thread each: their long compute never blocks a shared
    /// dispatcher, and TorchSharp's per-thread dispose scopes stay on one thread. Verifiers get what
    /// <c>actorrl.dispatchers.verifier</c> says (by default a small dedicated pool, so a slow verifier cannot starve
    /// Akka's default dispatcher).
    /// </summary>
    public static string Dispatchers(DispatcherSettings settings)
    {
        string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
        var verifier = settings.VerifierType switch
        {
            VerifierDispatcherType.ForkJoin => $$"""
                type = ForkJoinDispatcher
                dedicated-thread-pool {
                  thread-count = {{Number(settings.VerifierThreads)}}
                  threadtype = background
                }
                """,
            VerifierDispatcherType.Pinned => "type = PinnedDispatcher\nexecutor = thread-pool-executor",
            VerifierDispatcherType.Default => "type = Dispatcher\nexecutor = default-executor",
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.VerifierType, "unknown verifier dispatcher type"),
        };
        return $$"""
            {{RunSupervisor.ModelDispatcher}} {
              type = PinnedDispatcher
              executor = thread-pool-executor
            }
            {{RunSupervisor.VerifierDispatcher}} {
            {{verifier}}
            throughput = {{Number(settings.VerifierThroughput)}}
            }
            """;
    }

    /// <param name="akkaHocon">The effective <c>akka</c> section rendered as HOCON (from PipelineConfig).</param>
    /// <param name="logLevel">Akka's log level name (DEBUG, INFO, WARNING, ERROR).</param>
    /// <param name="dispatchers"><c>actorrl.dispatchers</c>; null = reference.conf's.</param>
    public static Config Build(string akkaHocon, string logLevel, DispatcherSettings? dispatchers = null) =>
        ConfigurationFactory.ParseString($"akka.loglevel = {logLevel}\n")
            .WithFallback(ConfigurationFactory.ParseString(akkaHocon))
            .WithFallback(ConfigurationFactory.ParseString(Dispatchers(dispatchers ?? DispatcherSettings.Default)));
}
