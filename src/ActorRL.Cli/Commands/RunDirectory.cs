using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;

namespace ActorRL.Cli.Commands;

/// <summary>
/// Prepares a run directory. One that holds a previous run is resumed from its ledger (the learner replays it and
/// continues from the newest intact checkpoint); <c>--fresh</c> deletes it first, after asking on a terminal.
/// Called with the directory's <see cref="RunClaim"/> held.
/// </summary>
public static class RunDirectory
{
    /// <summary>The effective configuration of the run, written by every train (read back by ledger, eval, export).</summary>
    public const string ConfigFile = "config.conf";

    private static readonly string[] StateMarkers = { "metrics.jsonl", "summary.json", "checkpoints", PersistenceSettings.LedgerFile };

    /// <summary>
    /// What <c>--fresh</c> leaves: the lock, which this learner holds (deleting it would let another lock a new
    /// file of that name), and the run's id, so that on PostgreSQL the run's old events are deleted under it.
    /// </summary>
    private static readonly string[] KeptByFresh = [.. RunLock.Files, RunId.FileName];

    public static bool HoldsARun(string directory) =>
        StateMarkers.Any(m => File.Exists(Path.Combine(directory, m)) || Directory.Exists(Path.Combine(directory, m)));

    /// <summary>
    /// A run was started here: it holds a run's state or the config.conf every train writes (a run on PostgreSQL
    /// may have stopped before it wrote anything else).
    /// </summary>
    public static bool TrainedInBefore(string directory) => HoldsARun(directory) || File.Exists(Path.Combine(directory, ConfigFile));

    /// <summary>
    /// The settings a run was trained with (its config.conf), at the directory the user points to, wherever the run
    /// was started from (config.conf may hold a relative run.dir): its run id and SQLite ledger are read there.
    /// </summary>
    /// <param name="overrides"><c>--set key=value</c> over the run's configuration (e.g. eval's sampling temperature).</param>
    public static ActorRLSettings LoadSettings(string directory, IReadOnlyList<string>? overrides = null)
    {
        var configFile = Path.Combine(directory, ConfigFile);
        if (!File.Exists(configFile)) throw new UsageException($"{directory} is not a run directory (no {ConfigFile})");
        var settings = ActorRLSettings.FromConfig(PipelineConfig.Load(new[] { configFile }, overrides ?? Array.Empty<string>()));
        return settings with { Run = settings.Run with { Directory = directory } };
    }

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
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (KeptByFresh.Contains(entry.Name)) continue;
                if (entry is DirectoryInfo folder) folder.Delete(recursive: true);
                else entry.Delete();
            }
            previous = false;
        }
        Directory.CreateDirectory(directory);
        return previous;
    }
}
