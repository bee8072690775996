using System.CommandLine;

namespace ActorRL.Cli.Commands;

public static class PlotCommand
{
    public static Command Build(TextWriter output) => PlannedCommand.Build("plot",
        "Render PNG curves (reward, accuracy, length, clip fraction, entropy, staleness) from a run directory", "the actor pipeline, see docs/roadmap.md");
}
