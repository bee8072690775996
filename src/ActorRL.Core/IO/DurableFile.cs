using System.Runtime.InteropServices;

namespace ActorRL.Core.IO;

/// <summary>
/// The one way files are committed: written under a temporary name, flushed to disk, renamed into place, and then
/// the directory flushed too. The rename lives in the directory, not in the file: until the directory is flushed
/// (POSIX: fsync of the directory) a power loss can forget it and bring back the old file, or no file at all, even
/// though the bytes were on disk. Every temp-and-rename site in the code base goes through here.
/// On Linux the directory is opened with open(O_RDONLY | O_DIRECTORY) and fsync'd; elsewhere that step is a no-op
/// (Windows has no directory handle to flush; NTFS journals the rename itself).
/// </summary>
public static class DurableFile
{
    /// <summary>The temporary name a file is written under before its rename.</summary>
    public static string TemporaryOf(string path) => path + ".tmp";

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> durably (temporary file, flush, rename, directory flush).</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = TemporaryOf(path);
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        Move(temporary, path);
    }

    /// <summary>Writes <paramref name="lines"/> (each followed by a newline, UTF-8) to <paramref name="path"/> durably.</summary>
    public static void WriteAllLines(string path, IEnumerable<string> lines)
    {
        var temporary = TemporaryOf(path);
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            using (var writer = new StreamWriter(file, leaveOpen: true))
                foreach (var line in lines) writer.WriteLine(line);
            file.Flush(flushToDisk: true);
        }
        Move(temporary, path);
    }

    /// <summary>Renames an already flushed <paramref name="temporary"/> onto <paramref name="path"/> (replacing it) and flushes the directory.</summary>
    public static void Move(string temporary, string path)
    {
        File.Move(temporary, path, overwrite: true);
        FlushDirectory(DirectoryOf(path));
    }

    /// <summary>
    /// Renames a finished directory: its own entries are flushed first, then the rename, then the parent of
    /// <paramref name="destination"/> (and of <paramref name="source"/>, when that is another directory).
    /// </summary>
    public static void MoveDirectory(string source, string destination)
    {
        FlushDirectory(source);
        Directory.Move(source, destination);
        FlushDirectory(DirectoryOf(destination));
        var sourceParent = DirectoryOf(source);
        if (sourceParent != DirectoryOf(destination)) FlushDirectory(sourceParent);
    }

    /// <summary>Creates <paramref name="path"/> and any missing parents, flushing the parent of each directory it created.</summary>
    public static void CreateDirectory(string path)
    {
        var missing = new List<string>();
        for (var d = Path.GetFullPath(path); !Directory.Exists(d); d = DirectoryOf(d)) missing.Add(d);
        Directory.CreateDirectory(path);
        foreach (var created in missing) FlushDirectory(DirectoryOf(created));
    }

    /// <summary>Flushes a file written by other means (e.g. <see cref="File.Copy(string, string)"/>) to disk.</summary>
    public static void FlushFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Flush(flushToDisk: true);
    }

    /// <summary>fsync of the directory itself, so the names created, replaced or removed in it survive a power loss (Linux; no-op elsewhere).</summary>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Libc.open(directory, Libc.ReadOnly | Libc.OpenDirectory | Libc.CloseOnExec);
        if (fd < 0) throw Failure("open", directory, Marshal.GetLastPInvokeError());
        try
        {
            if (Libc.fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // A file system that cannot flush directories (some FUSE and network mounts) says so; nothing more can be done.
                if (errno is not (Libc.EINVAL or Libc.ENOTSUP)) throw Failure("fsync", directory, errno);
            }
        }
        finally
        {
            Libc.close(fd);
        }
    }

    private static string DirectoryOf(string path) =>
        Path.GetDirectoryName(Path.GetFullPath(path)) ?? throw new ArgumentException($"{path} has no parent directory", nameof(path));

    private static IOException Failure(string call, string directory, int errno) =>
        new($"{call} of directory {directory} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    private static class Libc
    {
        public const int ReadOnly = 0;

        // O_CLOEXEC is 0x80000 on x86 and ARM alike: the descriptor never leaks into a child process.
        public const int CloseOnExec = 0x80000;

        // O_DIRECTORY differs between Linux architectures: 0x4000 on ARM (asm-generic/fcntl.h is 0x10000 on x86 and most others).
        public static readonly int OpenDirectory =
            RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

        public const int EINVAL = 22;
        public const int ENOTSUP = 95;

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
