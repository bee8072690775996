using System.CommandLine;
using ActorRL.Tasks.Commands;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl verify-check FILE.jsonl</c>: run the math checker over labelled cases.</summary>
public static class VerifyCheckCommand
{
    public static Command Build(TextWriter output)
    {
        var file = new Argument<string>("CASES") { Description = "JSONL lines {\"gold\", \"response\", \"expected\"} ('-' for standard input)" };
        var command = new Command("verify-check",
            "Check the math answer checker against labelled cases: one line per disagreement, then 'N passed, M failed' (exit 0 only when M = 0)");
        command.Add(file);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (path == "-") return VerifyCheckRunner.Run(Console.In, output);
            if (!File.Exists(path)) throw new UsageException($"{path}: file not found");
            using var reader = new StreamReader(path);
            return VerifyCheckRunner.Run(reader, output);
        });
        return command;
    }
}
