namespace ActorRL.Cli.Commands;

/// <summary>
/// Prepares a run directory. One that holds a previous run is resumed from its ledger (the learner replays it and
/// continues from the newest intact checkpoint); <c>--fresh</c> deletes it first, after asking on a terminal.
/// </summary>
public static class RunDirectory
{
    private static readonly string[] StateMarkers = { "metrics.jsonl", "summary.json", "checkpoints", Engine.Persistence.PersistenceSettings.LedgerFile };

    public static bool HoldsARun(string directory) =>
        StateMarkers.Any(m => File.Exists(Path.Combine(directory, m)) || Directory.Exists(Path.Combine(directory, m)));

    /// <returns>True when a previous run is there to be resumed.</returns>
    public static bool Prepare(string directory, bool fresh, bool yes, TextWriter error)
    {
        var previous = HoldsARun(directory);
        if (previous && fresh)
        {
            if (!yes)
            {
                if (Console.IsInputRedirected)
                    throw new UsageException($"--fresh would delete {directory}; add --yes to confirm when not on a terminal.");
                error.Write($"Delete {Path.GetFullPath(directory)} and start over? [y/N] ");
                var answer = Console.ReadLine();
                if (answer is null || !answer.Trim().StartsWith('y'))
                    throw new UsageException("not confirmed; nothing was deleted.");
            }
            Directory.Delete(directory, recursive: true);
            previous = false;
        }
        Directory.CreateDirectory(directory);
        return previous;
    }
}
