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

    public static void Stop(int pid) => Send(pid, SigStop);

    public static void Continue(int pid) => Send(pid, SigCont);

    /// <summary>True once the kernel reports the process stopped ('T' in /proc/PID/stat), not just signalled.</summary>
    public static bool IsStopped(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
    }

    private static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
