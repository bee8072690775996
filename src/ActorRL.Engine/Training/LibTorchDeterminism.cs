using System.Runtime.InteropServices;

namespace ActorRL.Engine.Training;

/// <summary>
/// libtorch's <c>at::globalContext().setDeterministicAlgorithms</c> (what PyTorch's <c>torch.use_deterministic_algorithms</c>
/// calls): TorchSharp 0.107 declares <c>use_deterministic_algorithms</c> but marks it "not implemented", so it is called
/// here through its exported C++ symbol. It matters on CUDA (embedding backward, index_add and scatter use atomics
/// unless it is on) and changes little on CPU, whose kernels are already deterministic for a fixed thread count.
/// </summary>
internal static class LibTorchDeterminism
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetDeterministic(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled, [MarshalAs(UnmanagedType.U1)] bool warnOnly);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.U1)]
    private delegate bool GetDeterministic(IntPtr context);

    private static readonly Lazy<(GlobalContext Context, SetDeterministic Set, GetDeterministic Get)> Functions = new(Bind);

    public static bool Enabled
    {
        get
        {
            var f = Functions.Value;
            return f.Get(f.Context());
        }
        set
        {
            var f = Functions.Value;
            f.Set(f.Context(), value, false);
        }
    }

    private static (GlobalContext, SetDeterministic, GetDeterministic) Bind()
    {
        // Loading TorchSharp loads libtorch_cpu; opening it by name then finds the copy already in the process.
        _ = TorchSharp.torch.get_num_threads();
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var library) && !NativeLibrary.TryLoad("torch_cpu", out library))
            throw new InvalidOperationException("libtorch_cpu is not loaded, so its deterministic algorithms cannot be switched on");
        T Export<T>(string symbol) where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, symbol));
        return (Export<GlobalContext>("_ZN2at13globalContextEv"),
            Export<SetDeterministic>("_ZN2at7Context26setDeterministicAlgorithmsEbb"),
            Export<GetDeterministic>("_ZNK2at7Context23deterministicAlgorithmsEv"));
    }
}
