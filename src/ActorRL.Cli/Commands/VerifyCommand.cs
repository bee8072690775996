using System.CommandLine;

namespace ActorRL.Cli.Commands;

public static class VerifyCommand
{
    public static Command Build(TextWriter output) => PlannedCommand.Build("verify",
        "Extract the final answer of a response and check it against a gold answer", "the verifiers");
}
