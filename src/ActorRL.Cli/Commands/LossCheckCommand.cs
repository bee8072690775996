using System.CommandLine;
using ActorRL.Core.LossCheck;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl loss-check FILE.jsonl</c>: the conformance tool for our losses (docs/loss-check.md).</summary>
public static class LossCheckCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("CASES") { Description = "JSONL file of cases ('-' for standard input)" };
        var command = new Command("loss-check",
            "Compute loss, advantages, d loss/d new_logprobs and clip fraction for each JSONL case, in float64 (exit 1 if any line failed)");
        command.Add(file);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (path == "-") return LossCheckRunner.Run(Console.In, output);
            if (!File.Exists(path)) throw new UsageException($"{path}: file not found");
            using var reader = new StreamReader(path);
            return LossCheckRunner.Run(reader, output);
        });
        return command;
    }
}
