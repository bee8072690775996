using System.Text.Json;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// <c>progress.json</c> in a checkpoint directory: the step, version and prompt stream position the ledger event
/// also records, so a checkpoint copied elsewhere still says where its run stood. Written like the other files
/// (<see cref="AtomicFile"/>) and committed with its hash.
/// </summary>
public static class ProgressFile
{
    public const string Name = "progress.json";

    public static CommittedFile Write(string directory, int step, long version, Pipeline.PromptPosition position, int warmStartSteps)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["step"] = step,
            ["version"] = version,
            ["warm_start_steps"] = warmStartSteps,
            ["cursor"] = position.Cursor,
            ["outstanding"] = position.Outstanding,
            ["groups_consumed"] = position.GroupsConsumed,
        }, new JsonSerializerOptions { WriteIndented = true });
        return AtomicFile.Write(directory, Name, bytes);
    }
}
