using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace ActorRL.Model.Settings;

/// <summary>Turns "auto | cpu | cuda | cuda:N" into a TorchSharp device.</summary>
public static partial class DeviceSelection
{
    public const string Allowed = "auto | cpu | cuda | cuda:N";

    /// <summary>True when <paramref name="spec"/> is well-formed (whether CUDA exists is checked by <see cref="Resolve"/>).</summary>
    public static bool IsValid(string spec) => Pattern().IsMatch(spec);

    /// <summary>
    /// "auto" picks CUDA device 0 when TorchSharp reports CUDA available, otherwise the CPU. Explicit CUDA on a
    /// machine without it (or an index past the device count) is an error, never a silent CPU fallback.
    /// </summary>
    public static Device Resolve(string spec)
    {
        var match = Pattern().Match(spec);
        if (!match.Success) throw new ArgumentException($"device '{spec}' is not one of {Allowed}");
        switch (match.Groups["kind"].Value)
        {
            case "cpu":
                return CPU;
            case "auto":
                return cuda.is_available() ? CUDA : CPU;
            default:
                var index = match.Groups["index"].Success ? int.Parse(match.Groups["index"].Value) : 0;
                if (!cuda.is_available())
                    throw new ArgumentException($"device '{spec}' asks for CUDA, but TorchSharp reports no CUDA device (CPU-only build or no GPU)");
                var count = cuda.device_count();
                if (index >= count) throw new ArgumentException($"device '{spec}': only {count} CUDA device(s) present");
                return new Device(TorchSharp.DeviceType.CUDA, index);
        }
    }

    [GeneratedRegex(@"^(?<kind>auto|cpu)$|^(?<kind>cuda)(:(?<index>\d{1,3}))?$")]
    private static partial Regex Pattern();
}
