using System.CommandLine;

namespace ActorRL.Cli.Commands;

public static class VerifyCheckCommand
{
    public static Command Build(TextWriter output) => PlannedCommand.Build("verify-check",
        "Check the math answer checker against JSONL cases {gold, response, expected}", "the verifiers");
}
