using Akka.Configuration;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// What one node overrides on top of the pipeline's <c>akka</c> section (hocon/cluster.conf): its role, the seed
/// nodes it joins, and optionally its hostname and port. Built at the edge from command-line options.
/// </summary>
public sealed record ClusterNodeConfig(string Role, IReadOnlyList<string> SeedNodes, string? Hostname = null, int? Port = null)
{
    public const string ActorSystemName = "actorrl";
    public static readonly string[] Roles = { "learner", "generator" };

    /// <summary>The node's overrides, highest priority, as Akka configuration.</summary>
    public Config ToAkkaConfig()
    {
        var lines = new List<string>
        {
            $"akka.cluster.roles = [{Quote(Role)}]",
            $"akka.cluster.seed-nodes = [{string.Join(", ", SeedNodes.Select(Quote))}]",
        };
        // Only the learner decides who is down: a generator node's own split-brain resolver, deciding from a stale
        // view after a stall (or downing all when reachability flaps), could down the learner. A generator node cut
        // off from the learner ends its run instead (GeneratorNodeSupervisor, actorrl.cluster.learner-lost-after).
        if (Role != LearnerNode.Role) lines.Add("akka.cluster.downing-provider-class = \"\"");
        if (Hostname is not null) lines.Add($"akka.remote.dot-netty.tcp.hostname = {Quote(Hostname)}");
        if (Port is not null) lines.Add($"akka.remote.dot-netty.tcp.port = {Port}");
        return ConfigurationFactory.ParseString(string.Join("\n", lines));
    }

    /// <summary>The protocol of a node's address: Akka.Remote names TLS connections akka.ssl.tcp.</summary>
    public static string Protocol(bool tls) => tls ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>
    /// Checks a seed address has the form akka.tcp://actorrl@HOST:PORT (akka.ssl.tcp:// when <paramref name="tls"/>: a TLS
    /// node listens for TLS only); returns the problem or null.
    /// </summary>
    public static string? CheckSeedNode(string address, bool tls = false)
    {
        var protocol = Protocol(tls);
        if (!Akka.Actor.Address.TryParse(address, out var parsed) || parsed is null)
            return $"\"{address}\" is not an Akka address; expected {protocol}://{ActorSystemName}@HOST:PORT";
        if (parsed.Protocol != protocol)
            return $"\"{address}\" uses protocol {parsed.Protocol}; expected {protocol}" + (tls ? " (actorrl.cluster.tls is on)" : " (actorrl.cluster.tls is off)");
        if (parsed.System != ActorSystemName) return $"\"{address}\" names actor system {parsed.System}; ActorRL's is {ActorSystemName}";
        if (parsed.Host is null || parsed.Port is null or <= 0) return $"\"{address}\" needs a host and a port, e.g. {protocol}://{ActorSystemName}@127.0.0.1:4053";
        return null;
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
