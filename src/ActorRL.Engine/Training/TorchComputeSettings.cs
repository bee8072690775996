using System.Runtime.InteropServices;
using ActorRL.Core.Configuration;
using static TorchSharp.torch;

namespace ActorRL.Engine.Training;

/// <summary>
/// The process-wide libtorch settings a run asks for (<c>actorrl.run.torch-threads</c>, <c>actorrl.run.deterministic</c>),
/// applied for the run's lifetime and put back when it ends, so runs sharing a process (tests) do not leak them.
/// </summary>
public static class TorchComputeSettings
{
    /// <summary>cuBLAS is deterministic only with a fixed workspace, set before its first handle (CUDA's documentation).</summary>
    private const string CublasWorkspace = "CUBLAS_WORKSPACE_CONFIG";

    public static IDisposable Apply(RunSettings run)
    {
        var threads = get_num_threads();
        // Only a deterministic run touches libtorch's switch (and reads it first, to put it back).
        bool? deterministic = run.Deterministic ? LibTorchDeterminism.Enabled : null;
        if (run.TorchThreads is { } n) set_num_threads(n);
        if (run.Deterministic)
        {
            // Native code reads the C environment, which Environment.SetEnvironmentVariable does not change on Linux.
            if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable(CublasWorkspace) is null) SetNativeEnvironment(CublasWorkspace, ":4096:8");
            LibTorchDeterminism.Enabled = true;
        }
        return new Restore(threads, deterministic);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment(string name, string value, int overwrite = 0);

    private sealed class Restore(int threads, bool? deterministic) : IDisposable
    {
        public void Dispose()
        {
            if (get_num_threads() != threads) set_num_threads(threads);
            if (deterministic is { } previous) LibTorchDeterminism.Enabled = previous;
        }
    }
}
