using System.CommandLine;
using ActorRL.Tasks.Commands;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl verify --gold G --response R</c>: what the math checker extracts, and its verdict.</summary>
public static class VerifyCommand
{
    public static Command Build(TextWriter output)
    {
        var gold = new Option<string>("--gold") { Description = "The gold answer (e.g. 42, \\frac{3}{4}, (1, 2])", Required = true };
        var response = new Option<string>("--response") { Description = "The model's full response text", Required = true };
        var command = new Command("verify", "Extract the final answer of a response and check it against a gold answer (exit 0 correct, 1 wrong)");
        command.Add(gold);
        command.Add(response);
        command.SetAction(parse => VerifyCommandLogic.Verify(parse.GetValue(gold)!, parse.GetValue(response)!, output));
        return command;
    }
}
