using System.CommandLine;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl node</c>: join a training cluster as a generator or verifier node.</summary>
public static class NodeCommand
{
    public static Command Build() => PlannedCommand.Build("node",
        "Join a running training cluster: actorrl node --role generator --seed-nodes akka.tcp://actorrl@HOST:PORT [--config FILE]",
        "cluster support, see docs/roadmap.md");
}
