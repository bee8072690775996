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
        if (Hostname is not null) lines.Add($"akka.remote.dot-netty.tcp.hostname = {Quote(Hostname)}");
        if (Port is not null) lines.Add($"akka.remote.dot-netty.tcp.port = {Port}");
        return ConfigurationFactory.ParseString(string.Join("\n", lines));
    }

    /// <summary>Checks a seed address has the form akka.tcp://actorrl@HOST:PORT; returns the problem or null.</summary>
    public static string? CheckSeedNode(string address)
    {
        if (!Akka.Actor.Address.TryParse(address, out var parsed) || parsed is null)
            return $"\"{address}\" is not an Akka address; expected akka.tcp://{ActorSystemName}@HOST:PORT";
        if (parsed.Protocol != "akka.tcp") return $"\"{address}\" uses protocol {parsed.Protocol}; expected akka.tcp";
        if (parsed.System != ActorSystemName) return $"\"{address}\" names actor system {parsed.System}; ActorRL's is {ActorSystemName}";
        if (parsed.Host is null || parsed.Port is null or <= 0) return $"\"{address}\" needs a host and a port, e.g. akka.tcp://{ActorSystemName}@127.0.0.1:4053";
        return null;
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
