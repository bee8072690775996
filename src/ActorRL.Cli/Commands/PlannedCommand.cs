using System.CommandLine;

namespace ActorRL.Cli.Commands;

/// <summary>
/// A command whose help text is published but whose implementation has not landed in this build. Running it
/// says so plainly and exits 1, rather than pretending to work.
/// </summary>
public static class PlannedCommand
{
    public static Command Build(string name, string description, string availability)
    {
        var command = new Command(name, $"{description} [not in this build yet: {availability}]");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Error.WriteLine($"actorrl {name}: not in this build yet ({availability}).");
            return ExitCodes.RuntimeFailure;
        });
        return command;
    }
}
