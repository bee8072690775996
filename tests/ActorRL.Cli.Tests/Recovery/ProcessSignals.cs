using System.Runtime.InteropServices;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>
/// SIGSTOP and SIGCONT (Linux), which .NET has no API for: a stopped learner still holds its locks but writes
/// nothing, so its files can be compared before and after a second learner tries its run.
/// </summary>
internal static class ProcessSignals
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Runs <paramref name="action"/> while the process is stopped, and lets it go on afterwards whatever happens.</summary>
    public static async Task WhileStoppedAsync(int pid, Func<Task> action)
    {
        Send(pid, SigStop);
        try
        {
            await Poll.Until(() => IsStopped(pid), TimeSpan.FromMinutes(1), () => $"SIGSTOP did not stop process {pid}");
            await action();
        }
        finally
        {
            Send(pid, SigCont);
        }
    }

    /// <summary>True once the kernel reports the process stopped ('T' in /proc/PID/stat), not just signalled.</summary>
    private static bool IsStopped(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
    }

    private static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
