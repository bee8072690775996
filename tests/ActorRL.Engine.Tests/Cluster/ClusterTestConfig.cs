using Akka.Configuration;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Tests.Cluster;

/// <summary>The shipped hocon/cluster.conf, loaded as a user's pipeline file would load it, for in-process nodes.</summary>
internal static class ClusterTestConfig
{
    public static string HoconDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "hocon", "cluster.conf"))) return Path.Combine(dir.FullName, "hocon");
            throw new InvalidOperationException("hocon/cluster.conf not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The effective configuration of a pipeline that includes cluster.conf, plus <paramref name="overrides"/>.</summary>
    public static PipelineConfig Pipeline(params string[] overrides) =>
        PipelineConfig.Load(new[] { Path.Combine(HoconDirectory, "cluster.conf") }, overrides, new[] { HoconDirectory });

    /// <summary>Akka configuration of one node on 127.0.0.1, any free port.</summary>
    public static Config Node(string role, IReadOnlyList<string>? seeds = null, params string[] overrides) =>
        new ClusterNodeConfig(role, seeds ?? Array.Empty<string>(), Port: 0).ToAkkaConfig()
            .WithFallback(ActorSystemConfig.Build(Pipeline(overrides).Render("akka"), "WARNING"));
}
