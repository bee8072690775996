using System.CommandLine;

namespace ActorRL.Cli.Commands;

public static class EvalCommand
{
    public static Command Build(TextWriter output) => PlannedCommand.Build("eval",
        "avg@k and pass@k of a run or checkpoint on the held-out split", "the actor pipeline, see docs/roadmap.md");
}
