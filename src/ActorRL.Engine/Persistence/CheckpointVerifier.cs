using System.Security.Cryptography;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// Checks a committed checkpoint against its ledger entry before anything is loaded: every file must exist with
/// the recorded size and SHA-256. A torn write, a truncated copy or a flipped byte is caught here, never loaded.
/// </summary>
public static class CheckpointVerifier
{
    /// <summary>Null when intact; otherwise what is wrong, naming the file.</summary>
    public static string? Problem(string runDirectory, CheckpointCommitted checkpoint)
    {
        var directory = Path.Combine(runDirectory, checkpoint.Directory);
        foreach (var file in checkpoint.Files)
        {
            var path = Path.Combine(directory, file.Name);
            if (!File.Exists(path)) return $"{path} is missing";
            var size = new FileInfo(path).Length;
            if (size != file.Bytes) return $"{path} has {size} bytes, the ledger committed {file.Bytes}";
            using var stream = File.OpenRead(path);
            var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (hash != file.Sha256) return $"{path} has SHA-256 {hash[..12]}…, the ledger committed {file.Sha256[..12]}…";
        }
        return null;
    }

    /// <summary>
    /// The newest intact checkpoint, with a warning for each newer one refused; null when none is intact.
    /// </summary>
    public static CheckpointCommitted? NewestIntact(string runDirectory, IReadOnlyList<CheckpointCommitted> committed, Action<CheckpointCommitted, string> refused)
    {
        foreach (var checkpoint in committed.OrderByDescending(c => c.Step))
        {
            var problem = Problem(runDirectory, checkpoint);
            if (problem is null) return checkpoint;
            refused(checkpoint, problem);
        }
        return null;
    }
}
