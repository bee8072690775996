namespace ActorRL.Benchmarks.Learner;

/// <summary>
/// The process's peak resident set (VmHWM) over a stretch of work, on Linux: writing 5 to /proc/self/clear_refs resets
/// the high-water mark to the current RSS, so several cases can be measured one after another in one process.
/// libtorch returns large CPU buffers to the system when they are freed, so one case's peak does not hide the next's.
/// </summary>
public static class PeakResidentMemory
{
    public static bool Supported => OperatingSystem.IsLinux() && File.Exists("/proc/self/clear_refs");

    /// <summary>Resets the peak to the current resident set and returns that (bytes).</summary>
    public static long Reset()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Read("VmRSS");
    }

    /// <summary>The peak resident set since the last <see cref="Reset"/> (bytes).</summary>
    public static long Peak() => Read("VmHWM");

    private static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var kilobytes = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            return kilobytes * 1024;
        }
        throw new InvalidOperationException($"/proc/self/status has no {field} line");
    }
}
