using System.Security.Cryptography;
using ActorRL.Core.IO;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// Writes a small checkpoint file the way every checkpoint file is written (<see cref="DurableFile"/>: a temporary
/// name, flushed to disk, renamed into place, the directory flushed — a crash never leaves a half-written file under
/// the final name, nor forgets the rename); returns it as committed.
/// </summary>
public static class AtomicFile
{
    public static CommittedFile Write(string directory, string name, byte[] bytes)
    {
        DurableFile.CreateDirectory(directory);
        DurableFile.WriteAllBytes(Path.Combine(directory, name), bytes);
        return new CommittedFile(name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
