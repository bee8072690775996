using System.CommandLine;

namespace ActorRL.Cli.Commands;

public static class TrainCommand
{
    public static Command Build(TextWriter output, TextWriter error) => PlannedCommand.Build("train",
        "Run a pipeline (default: samples/arithmetic/pipeline.conf — warm start, then RL)", "the actor pipeline, see docs/roadmap.md");
}
