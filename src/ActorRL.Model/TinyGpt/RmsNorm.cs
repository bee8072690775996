using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorRL.Model.TinyGpt;

/// <summary>RMSNorm (Zhang &amp; Sennrich 2019): x / sqrt(mean(x²) + eps) · weight — no mean subtraction, no bias.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public RmsNorm(long size, double eps) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(size));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var normed = x * (x.square().mean([-1L], keepdim: true) + _eps).rsqrt();
        return (normed * weight).MoveToOuterDisposeScope();
    }
}
