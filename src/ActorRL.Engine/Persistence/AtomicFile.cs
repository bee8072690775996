using System.Security.Cryptography;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// Writes a small checkpoint file the way every checkpoint file is written: to a temporary name, flushed to disk,
/// renamed into place (a crash never leaves a half-written file under the final name); returns it as committed.
/// </summary>
public static class AtomicFile
{
    public static CommittedFile Write(string directory, string name, byte[] bytes)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        using (var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(path + ".tmp", path, overwrite: true);
        return new CommittedFile(name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
