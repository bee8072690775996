using System.Text;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// <c>RUN_DIR/run-id</c>: the run's own id, made when <c>actorrl train</c> first prepares the directory. The
/// learner's default persistence id is "learner-" + it, so two runs whose directories share a name never share a
/// ledger on one journal. A directory from before run ids has no file: its id is its name, which is what the
/// persistence id was derived from then, so its ledger is still found.
/// </summary>
public static class RunId
{
    public const string FileName = "run-id";

    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>The id recorded in the directory, or null when it has none (new, or from before run ids).</summary>
    public static string? Read(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path)) return null;
        var id = File.ReadAllText(path).Trim();
        // Written atomically, so an empty file was emptied by hand: guessing an id would open another ledger.
        if (id.Length == 0) throw new InvalidDataException($"{path} is empty; restore the run's id or start over with --fresh");
        return id;
    }

    /// <summary>The id a run directory's ledger is kept under: recorded, or for a directory from before run ids, its name.</summary>
    public static string Of(string runDirectory) => Read(runDirectory) ?? FromName(runDirectory);

    /// <summary>The id of a directory from before run ids: its name.</summary>
    public static string FromName(string runDirectory) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)));

    public static void Write(string runDirectory, string id) =>
        AtomicFile.Write(runDirectory, FileName, Encoding.UTF8.GetBytes(id + "\n"));
}
