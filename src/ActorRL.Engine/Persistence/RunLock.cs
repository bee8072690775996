namespace ActorRL.Engine.Persistence;

/// <summary>
/// One learner per run directory: an exclusive OS lock on <c>RUN_DIR/.lock</c>, taken before anything in the
/// directory is written or deleted and held until the run ends. .NET opens the file with FileShare.None, which on
/// Linux and macOS is flock(LOCK_EX | LOCK_NB): it excludes every other open of the file, from another process
/// or from this one, and the kernel drops it when the process dies, kill -9 included. On Windows FileShare.None is
/// a mandatory share lock with the same effect. The lock file is never deleted: a newcomer could otherwise lock a
/// new file of that name while the holder still holds the old, unlinked one.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string LockFile = ".lock";

    /// <summary>flock keeps even readers out of the lock file, so who holds it is recorded beside it.</summary>
    public const string HolderFile = ".lock-holder";

    /// <summary>The files the lock lives in; <c>--fresh</c> must leave them while it empties the directory.</summary>
    public static readonly string[] Files = { LockFile, HolderFile };

    /// <summary>How long a refused learner waits for a just-started holder to record itself.</summary>
    private static readonly TimeSpan HolderPatience = TimeSpan.FromSeconds(2);

    private readonly FileStream _lock;
    private readonly string _directory;

    private RunLock(FileStream @lock, string directory)
    {
        _lock = @lock;
        _directory = directory;
    }

    /// <exception cref="RunInUseException">Another learner holds the directory.</exception>
    public static RunLock Acquire(string runDirectory)
    {
        if (FileLockingDisabled)
            throw new InvalidOperationException(
                "file locking is disabled in this process (DOTNET_SYSTEM_IO_DISABLEFILELOCKING / System.IO.DisableFileLocking), " +
                $"so {runDirectory} cannot be locked against a second learner; unset it to train");
        Directory.CreateDirectory(runDirectory);
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(runDirectory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            var holder = RunLockHolder.ReadCurrent(runDirectory, HolderPatience)?.ToString() ?? "holder not recorded yet";
            throw new RunInUseException(
                $"{runDirectory} is in use by another learner ({holder}); one learner per run directory: wait for it to finish or stop it");
        }
        try
        {
            RunLockHolder.OfThisProcess().WriteTo(runDirectory);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new RunLock(stream, runDirectory);
    }

    public void Dispose()
    {
        // While still holding the lock: a record deleted after releasing it could be the next holder's.
        try
        {
            File.Delete(Path.Combine(_directory, HolderFile));
        }
        catch (IOException)
        {
            // A stale record is harmless: only the lock decides.
        }
        _lock.Dispose();
    }

    /// <summary>
    /// The lock is taken, not the file unusable: EWOULDBLOCK from flock (11 on Linux, 35 on macOS) or a Windows
    /// sharing or lock violation. Anything else (a full disk, a broken mount) is reported as what it is.
    /// </summary>
    private static bool IsHeldElsewhere(IOException e) =>
        e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    /// <summary>.NET's own switch that turns FileShare into a no-op on Unix (read the way the runtime reads it).</summary>
    private static bool FileLockingDisabled =>
        AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled)
            ? disabled
            : Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is { } value &&
              (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
