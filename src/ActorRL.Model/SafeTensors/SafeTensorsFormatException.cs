namespace ActorRL.Model.SafeTensors;

/// <summary>A safetensors file (or buffer) that does not follow the format; the message names the origin and the fault.</summary>
public sealed class SafeTensorsFormatException(string origin, string problem)
    : Exception($"{origin}: not a valid safetensors file: {problem}")
{
    /// <summary>The file path (or "&lt;bytes&gt;") that was being read.</summary>
    public string Origin { get; } = origin;
    public string Problem { get; } = problem;
}
