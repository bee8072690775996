using System.CommandLine;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Logging;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Commands;

/// <summary>
/// <c>actorrl node --role generator --seed-nodes akka.tcp://actorrl@HOST:PORT [--config FILE]</c>: join a running
/// training cluster as a generator node. The node reads the same pipeline file as the learner (model, task and
/// generation settings must match), with hocon/cluster.conf underneath, and runs until the learner leaves.
/// </summary>
public static class NodeCommand
{
    public const string DefaultPipeline = "samples/cluster/pipeline.conf";
    public static readonly string[] NodeRoles = { "generator" };

    public static Command Build(TextWriter output)
    {
        var role = new Option<string>("--role") { Description = $"This node's role: {string.Join(" | ", NodeRoles)} (the learner node runs `actorrl train`)", Required = true };
        var seeds = new Option<string[]>("--seed-nodes")
        {
            Description = "Address(es) of running cluster nodes to join, e.g. akka.tcp://actorrl@127.0.0.1:4053 (the learner's)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var config = new Option<string?>("--config", "-c") { Description = $"The learner's pipeline file (default: {DefaultPipeline})" };
        var hostname = new Option<string?>("--hostname") { Description = "Address to bind and advertise (default 127.0.0.1: loopback only; set it, and TLS, between machines)" };
        var port = new Option<int?>("--port") { Description = "Port to bind (default: any free port)" };
        var set = new Option<string[]>("--set", "-s") { Description = "Override one key, e.g. --set actorrl.cluster.node-generators=2", Arity = ArgumentArity.ZeroOrMore };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Debug-level logging" };
        var command = new Command("node",
            "Join a running training cluster: actorrl node --role generator --seed-nodes akka.tcp://actorrl@HOST:PORT [--config FILE]. " +
            "Runs actorrl.cluster.node-generators generators that pull work from the learner until it finishes.");
        foreach (var option in new Option[] { role, seeds, config, hostname, port, set, verbose }) command.Add(option);
        command.SetAction(async (parse, cancellation) =>
        {
            var roleValue = parse.GetValue(role)!;
            if (Array.IndexOf(NodeRoles, roleValue) < 0)
                throw new UsageException($"--role {roleValue} is not a node role; allowed: {string.Join(", ", NodeRoles)} (the learner runs `actorrl train` with cluster.conf)");
            var seedNodes = parse.GetValue(seeds) ?? Array.Empty<string>();
            if (parse.GetValue(port) is { } p && (p < 0 || p > 65535)) throw new UsageException($"--port must be in [0, 65535], got {p}");

            var file = DistributionPaths.Resolve(parse.GetValue(config) ?? DefaultPipeline);
            var pipeline = PipelineConfig.Load(new[] { DistributionPaths.Resolve("hocon/cluster.conf"), file }, parse.GetValue(set) ?? Array.Empty<string>());
            var settings = ActorRLSettings.FromConfig(pipeline);
            RunFiles.Require(settings, pipeline);
            foreach (var seed in seedNodes)
                if (ClusterNodeConfig.CheckSeedNode(seed, settings.Cluster.Tls is not null) is { } problem) throw new UsageException($"--seed-nodes: {problem}");
            var akka = new ClusterNodeConfig(roleValue, seedNodes, parse.GetValue(hostname), parse.GetValue(port) ?? 0).ToAkkaConfig()
                .WithFallback(ActorSystemConfig.Build(pipeline.Render("akka"), TrainingJob.AkkaLogLevel(settings.Logging.Level), settings.Dispatchers));
            settings.Cluster.CheckFitsFrame(akka);
            // Each node logs to its own folder under the run directory (several nodes may share a machine).
            var nodeDirectory = Path.Combine(settings.Run.Directory, "nodes", $"generator-{Environment.ProcessId}");
            LoggingSetup.Configure(settings.Logging, nodeDirectory, parse.GetValue(verbose));
            var reason = await GeneratorNode.RunAsync(settings, akka, cancellation);
            output.WriteLine($"Generator node stopped: {reason}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
