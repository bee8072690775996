using ActorRL.Model.Layers;
using ActorRL.Model.Policies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.TinyGpt;

/// <summary>Multi-head self-attention with RoPE on queries and keys and an optional KV cache.</summary>
public sealed class CausalSelfAttention : nn.Module
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly long _heads;
    private readonly long _headDim;

    public CausalSelfAttention(TinyGptConfig config) : base(nameof(CausalSelfAttention))
    {
        qkv = nn.Linear(config.DModel, 3L * config.DModel, hasBias: false);
        proj = nn.Linear(config.DModel, config.DModel, hasBias: false);
        _heads = config.Heads;
        _headDim = config.HeadDim;
        RegisterComponents();
    }

    /// <param name="x">[B, T, D]</param>
    /// <param name="cos">RoPE cosines at the tokens' positions, [B, 1, T, Dh].</param>
    /// <param name="signedSin">RoPE sines likewise, first half negated (<see cref="RotaryEmbedding.SignedSin"/>).</param>
    /// <param name="mask">Boolean [B, 1, T, S] or null for plain causal attention (empty cache only).</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor signedSin, Tensor? mask, IKeyValueCache? cache, int layer)
    {
        var (b, t) = (x.shape[0], x.shape[1]);
        // [B, T, 3·D] → [3, B, H, T, Dh]: one matmul for all three projections.
        var projected = qkv.forward(x).view(b, t, 3, _heads, _headDim).permute(2, 0, 3, 1, 4);
        // Queries and keys rotate together ([2, B, H, T, Dh]): half the RoPE ops per layer.
        var rotated = RotaryEmbedding.ApplySigned(projected.narrow(0, 0, 2), cos, signedSin);
        var (q, k, v) = (rotated[0], rotated[1], projected[2]);
        if (cache is not null) (k, v) = cache.Append(layer, k, v);
        var y = cache is null ? Attention.Compute(q, k, v, mask, 1) : cache.Attend(q, k, v, mask, 1);
        return proj.forward(y.transpose(1, 2).reshape(b, t, _heads * _headDim));
    }
}
