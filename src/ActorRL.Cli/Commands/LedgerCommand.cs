using System.CommandLine;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Persistence;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl ledger RUN_DIR</c>: the run's audit trail from its journal (SQLite or PostgreSQL).</summary>
public static class LedgerCommand
{
    public static Command Build(TextWriter output)
    {
        var runDir = new Argument<string>("RUN_DIR") { Description = "A run directory (its config.conf says where the ledger is)" };
        var events = new Option<bool>("--events") { Description = "Print every event as one JSON line, oldest first" };
        var command = new Command("ledger", "Show what a run's ledger recorded: steps, prompts consumed (each exactly once?), checkpoints, resumes");
        command.Add(runDir);
        command.Add(events);
        command.SetAction(async (parse, cancellation) =>
        {
            var directory = parse.GetValue(runDir)!;
            var settings = RunDirectory.LoadSettings(directory);
            var history = await LedgerHistory.ReadAsync(settings.Persistence, settings.Run.Directory);
            if (parse.GetValue(events))
            {
                foreach (var e in history) output.WriteLine(LedgerSerializer.ToJson(e));
                return ExitCodes.Ok;
            }
            output.WriteLine($"Ledger {settings.Persistence.PersistenceIdFor(settings.Run.Directory)} ({SettingNames.Of(settings.Persistence.Provider)}):");
            output.WriteLine(LedgerReport.From(history).Describe());
            return ExitCodes.Ok;
        });
        return command;
    }
}
