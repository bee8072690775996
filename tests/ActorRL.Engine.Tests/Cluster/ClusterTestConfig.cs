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

    /// <summary>
    /// A cluster's learner node on the synthetic task: no generators of its own (every group comes from generator
    /// nodes), no evaluation, the given trainer.
    /// </summary>
    public static PipelineParts LearnerNodeParts(PipelineSettings settings, Synthetic.SyntheticTask task, Func<IPolicyTrainer> trainer,
        ClusterSettings cluster, GroupShape? shape = null) =>
        new(settings, false, 0, task, ActorRL.Tasks.PromptCursor.Start, _ => throw new InvalidOperationException("no local generators"),
            trainer, new VerdictRewardFunction(task.Verifier), MetricsPath: null, EvaluateAround: false, Cluster: cluster, Shape: shape);

    /// <summary>Akka configuration of one node on 127.0.0.1, any free port.</summary>
    public static Config Node(string role, IReadOnlyList<string>? seeds = null, params string[] overrides) =>
        new ClusterNodeConfig(role, seeds ?? Array.Empty<string>(), Port: 0).ToAkkaConfig()
            .WithFallback(ActorSystemConfig.Build(Pipeline(overrides).Render("akka"), "WARNING"));
}
