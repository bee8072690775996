using System.CommandLine;

namespace ActorRL.Cli.Commands;

public static class LossCheckCommand
{
    public static Command Build(TextWriter output, TextWriter error) => PlannedCommand.Build("loss-check",
        "Conformance tool: losses and gradients for JSONL cases", "the algorithms core");
}
