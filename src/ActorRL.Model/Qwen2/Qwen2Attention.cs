using ActorRL.Model.Policies;
using ActorRL.Model.TinyGpt;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.Qwen2;

/// <summary>
/// Grouped-query self-attention (Ainslie et al. 2023): Heads query heads share KeyValueHeads key/value heads, query
/// head h reading key/value head h / GroupSize. q/k/v projections carry biases, the output projection does not.
/// The KV cache holds only the KeyValueHeads heads (the memory saving GQA exists for); they are repeated per query
/// head at attention time, as Hugging Face's repeat_kv does.
/// </summary>
public sealed class Qwen2Attention : nn.Module
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
    private readonly long _heads;
    private readonly long _kvHeads;
    private readonly long _headDim;

    public Qwen2Attention(Qwen2Config config, Device device, ScalarType dtype) : base(nameof(Qwen2Attention))
    {
        _heads = config.Heads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        q_proj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: true, device: device, dtype: dtype);
        k_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: true, device: device, dtype: dtype);
        v_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: true, device: device, dtype: dtype);
        o_proj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <param name="x">[B, T, hidden]</param>
    /// <param name="cos">RoPE angles at the tokens' positions, [B, 1, T, head_dim] (sin likewise).</param>
    /// <param name="mask">Boolean [B, 1, T, S] or null for plain causal attention (empty cache only).</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layer)
    {
        var (b, t) = (x.shape[0], x.shape[1]);
        // Qwen2 rotates in the rotate-half layout (dimension i pairs with i + head_dim/2), which is TinyGpt's too.
        var q = RotaryEmbedding.Apply(q_proj.forward(x).view(b, t, _heads, _headDim).transpose(1, 2), cos, sin);
        var k = RotaryEmbedding.Apply(k_proj.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2), cos, sin);
        var v = v_proj.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);
        if (cache is not null) (k, v) = cache.Append(layer, k, v);
        var group = _heads / _kvHeads;
        if (group > 1)
        {
            k = k.repeat_interleave(group, 1);
            v = v.repeat_interleave(group, 1);
        }
        // libtorch's is_causal mask is top-left aligned, so it is only right when queries and keys coincide.
        var y = F.scaled_dot_product_attention(q, k, v, mask, 0.0, is_casual: mask is null);
        return o_proj.forward(y.transpose(1, 2).reshape(b, t, _heads * _headDim));
    }
}
