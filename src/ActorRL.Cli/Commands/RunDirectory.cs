namespace ActorRL.Cli.Commands;

/// <summary>
/// Guards a run directory: a directory that holds a previous run is never overwritten silently. Resuming such a
/// run lands with checkpoint recovery; until then the user chooses another directory or <c>--fresh</c>.
/// </summary>
public static class RunDirectory
{
    private static readonly string[] StateMarkers = { "metrics.jsonl", "summary.json", "checkpoints" };

    public static bool HoldsARun(string directory) =>
        StateMarkers.Any(m => File.Exists(Path.Combine(directory, m)) || Directory.Exists(Path.Combine(directory, m)));

    public static void Prepare(string directory, bool fresh, bool yes, TextWriter error)
    {
        if (HoldsARun(directory))
        {
            if (!fresh)
                throw new UsageException(
                    $"{directory} holds a previous run. Start over with --fresh (add --yes when not on a terminal), or pick another directory with --set actorrl.run.dir=DIR.");
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
        }
        Directory.CreateDirectory(directory);
    }
}
