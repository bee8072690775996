using Akka.Configuration;

namespace ActorRL.Engine.Pipeline;

/// <summary>The Akka configuration a run's actor system starts with: our dispatchers, then the user's akka section.</summary>
public static class ActorSystemConfig
{
    /// <summary>
    /// Model-owning actors (learner, generators) get a thread each: their long compute never blocks a shared
    /// dispatcher, and TorchSharp's per-thread dispose scopes stay on one thread. Verifiers share a small
    /// dedicated pool so a slow verifier cannot starve Akka's default dispatcher.
    /// </summary>
    public const string Dispatchers = """
        actorrl-model-dispatcher {
          type = PinnedDispatcher
          executor = thread-pool-executor
        }
        actorrl-verifier-dispatcher {
          type = ForkJoinDispatcher
          throughput = 1
          dedicated-thread-pool {
            thread-count = 2
            threadtype = background
          }
        }
        """;

    /// <param name="akkaHocon">The effective <c>akka</c> section rendered as HOCON (from PipelineConfig).</param>
    /// <param name="logLevel">Akka's log level name (DEBUG, INFO, WARNING, ERROR).</param>
    public static Config Build(string akkaHocon, string logLevel) =>
        ConfigurationFactory.ParseString($"akka.loglevel = {logLevel}\n")
            .WithFallback(ConfigurationFactory.ParseString(akkaHocon))
            .WithFallback(ConfigurationFactory.ParseString(Dispatchers));
}
