using ActorRL.Model.Policies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.TinyGpt;

/// <summary>Pre-norm block: x + attn(norm(x)), then x + mlp(norm(x)) with a GELU MLP.</summary>
public sealed class TransformerBlock : nn.Module
{
    private readonly nn.Module<Tensor, Tensor> ln_1;
    private readonly CausalSelfAttention attn;
    private readonly nn.Module<Tensor, Tensor> ln_2;
    private readonly Linear fc;
    private readonly Linear fc_proj;

    public TransformerBlock(TinyGptConfig config) : base(nameof(TransformerBlock))
    {
        ln_1 = Norm(config);
        attn = new CausalSelfAttention(config);
        ln_2 = Norm(config);
        fc = nn.Linear(config.DModel, (long)config.MlpRatio * config.DModel, hasBias: false);
        fc_proj = nn.Linear((long)config.MlpRatio * config.DModel, config.DModel, hasBias: false);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, IKeyValueCache? cache, int layer)
    {
        x = x + attn.Forward(ln_1.forward(x), cos, sin, mask, cache, layer);
        return x + fc_proj.forward(F.gelu(fc.forward(ln_2.forward(x))));
    }

    internal static nn.Module<Tensor, Tensor> Norm(TinyGptConfig config) => config.Norm switch
    {
        NormKind.LayerNorm => nn.LayerNorm(config.DModel, config.NormEpsilon),
        NormKind.RmsNorm => new RmsNorm(config.DModel, config.NormEpsilon),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Norm, "unknown norm kind"),
    };
}
