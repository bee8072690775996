using static TorchSharp.torch;

namespace ActorRL.Model.Tests.HuggingFace;

internal static class Identical
{
    /// <summary>Same dtype, same shape, every element bit-for-bit equal (NaN-free inputs).</summary>
    public static bool Tensors(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }
}
