using ActorRL.Core.Configuration;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// <c>actorrl.dispatchers</c>: the threads the actor system gives the verifier pool. Model-owning actors (learner,
/// generators, weight sync) always run on Akka's PinnedDispatcher, a thread each (see <see cref="ActorSystemConfig"/>).
/// </summary>
public sealed record DispatcherSettings(VerifierDispatcherType VerifierType, int VerifierThreads, int VerifierThroughput)
{
    private static readonly Lazy<DispatcherSettings> ReferenceDefaults =
        new(() => FromConfig(SettingsReader.FromReference(section: "actorrl.dispatchers")));

    /// <summary>reference.conf's values.</summary>
    public static DispatcherSettings Default => ReferenceDefaults.Value;

    public static DispatcherSettings FromConfig(SettingsReader r)
    {
        var verifier = r.Section("verifier");
        return new DispatcherSettings(
            verifier.GetEnum<VerifierDispatcherType>("type"),
            verifier.GetInt("thread-count", 1, 1024),
            verifier.GetInt("throughput", 1, 1_000_000));
    }
}

/// <summary><c>actorrl.dispatchers.verifier.type</c>.</summary>
public enum VerifierDispatcherType
{
    /// <summary>A dedicated pool of thread-count threads: slow verifiers cannot starve Akka's default dispatcher.</summary>
    ForkJoin,

    /// <summary>A dedicated thread per verifier actor.</summary>
    Pinned,

    /// <summary>Akka's default dispatcher (the .NET thread pool), shared with the coordinator and other light actors.</summary>
    Default,
}
