using ActorRL.Model.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Model.Qwen2;

/// <summary>Pre-norm block: x + self_attn(input_layernorm(x)), then x + mlp(post_attention_layernorm(x)).</summary>
public sealed class Qwen2DecoderLayer : nn.Module
{
    private readonly Qwen2RmsNorm input_layernorm;
    private readonly Qwen2Attention self_attn;
    private readonly Qwen2RmsNorm post_attention_layernorm;
    private readonly Qwen2Mlp mlp;

    public Qwen2DecoderLayer(Qwen2Config config, Device device, ScalarType dtype) : base(nameof(Qwen2DecoderLayer))
    {
        input_layernorm = new Qwen2RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        self_attn = new Qwen2Attention(config, device, dtype);
        post_attention_layernorm = new Qwen2RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        mlp = new Qwen2Mlp(config, device, dtype);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layer)
    {
        x = x + self_attn.Forward(input_layernorm.forward(x), cos, sin, mask, cache, layer);
        return x + mlp.forward(post_attention_layernorm.forward(x));
    }
}
