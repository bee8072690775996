using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorRL.Model.Qwen2;

/// <summary>
/// RMSNorm as Hugging Face's Qwen2RMSNorm computes it: the statistics and the scaling in float32 whatever the
/// model's dtype, then back to that dtype before the gain is applied. In bfloat16 this order matters (TinyGpt's
/// RmsNorm stays in the input dtype), so a checkpoint gives the numbers it was trained with.
/// </summary>
public sealed class Qwen2RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public Qwen2RmsNorm(long size, double eps, Device device, ScalarType dtype) : base(nameof(Qwen2RmsNorm))
    {
        weight = new Parameter(ones(size, dtype, device));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var wide = x.to(ScalarType.Float32);
        var normed = wide * (wide.square().mean([-1L], keepdim: true) + _eps).rsqrt();
        return (weight * normed.to(x.dtype)).MoveToOuterDisposeScope();
    }
}
