using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// Who holds a run directory's lock, recorded in <see cref="RunLock.HolderFile"/> for the message a second learner
/// prints. Only the lock itself decides; a record left behind by a learner killed with -9 is simply stale.
/// </summary>
public sealed record RunLockHolder(int Pid, string Host, DateTimeOffset Since)
{
    public static RunLockHolder OfThisProcess() => new(Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"pid {Pid} on host {Host}, since {Since.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");

    public void WriteTo(string runDirectory) =>
        AtomicFile.Write(runDirectory, RunLock.HolderFile, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this) + "\n"));

    /// <summary>The recorded holder, or null when there is no readable record.</summary>
    public static RunLockHolder? Read(string runDirectory)
    {
        try
        {
            return JsonSerializer.Deserialize<RunLockHolder>(File.ReadAllText(Path.Combine(runDirectory, RunLock.HolderFile)));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The record of the learner that holds the lock now. A holder writes its record just after it takes the lock,
    /// so a record that is missing or names a process of this host that is gone is waited on, briefly.
    /// </summary>
    public static RunLockHolder? ReadCurrent(string runDirectory, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var holder = Read(runDirectory);
            if (holder is not null && !holder.IsGoneFromThisHost()) return holder;
            if (clock.Elapsed >= patience) return null;
            Thread.Sleep(50);
        }
    }

    private bool IsGoneFromThisHost()
    {
        if (Host != Environment.MachineName) return false; // another machine's process: cannot tell, trust it
        try
        {
            using var process = Process.GetProcessById(Pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
