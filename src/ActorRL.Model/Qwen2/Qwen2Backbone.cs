using ActorRL.Model.Policies;
using ActorRL.Model.TinyGpt;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorRL.Model.Qwen2;

/// <summary>
/// The decoder stack without the output layer (Hugging Face's Qwen2Model, registered as <c>model</c>):
/// embed_tokens → layers → norm.
/// </summary>
public sealed class Qwen2Backbone : nn.Module
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<Qwen2DecoderLayer> layers;
    private readonly Qwen2RmsNorm norm;
    private readonly Tensor rope_cos;
    private readonly Tensor rope_sin;
    private readonly long _headDim;

    public Qwen2Backbone(Qwen2Config config, int maxSequenceLength, Device device, ScalarType dtype) : base(nameof(Qwen2Backbone))
    {
        embed_tokens = nn.Embedding(config.VocabularySize, config.HiddenSize, device: device, dtype: dtype);
        layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new Qwen2DecoderLayer(config, device, dtype)).ToArray());
        norm = new Qwen2RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        _headDim = config.HeadDim;
        // Angles in float64, rounded once to the model's dtype, as Hugging Face casts cos/sin to the activations' dtype.
        using (var scope = NewDisposeScope())
        {
            var (cos, sin) = RotaryEmbedding.Tables(maxSequenceLength, config.HeadDim, config.RopeTheta);
            rope_cos = cos.to(dtype, device).DetachFromDisposeScope();
            rope_sin = sin.to(dtype, device).DetachFromDisposeScope();
        }
        RegisterComponents(); // the RoPE tables become buffers: not parameters, never saved
    }

    /// <summary>The token embedding [vocab, hidden] (also the output layer when embeddings are tied).</summary>
    public Parameter EmbeddingWeight => embed_tokens.weight!;

    public Tensor Forward(Tensor tokenIds, Tensor positionIds, Tensor? attentionMask, KvCache? cache)
    {
        var (b, t) = (tokenIds.shape[0], tokenIds.shape[1]);
        var x = embed_tokens.forward(tokenIds);
        // Look RoPE angles up by position id (not by column), so left padding does not shift positions.
        var flatPositions = positionIds.reshape(-1);
        var cos = rope_cos.index_select(0, flatPositions).view(b, 1, t, _headDim);
        var sin = rope_sin.index_select(0, flatPositions).view(b, 1, t, _headDim);
        for (var i = 0; i < layers.Count; i++) x = layers[i].Forward(x, cos, sin, attentionMask, cache, i);
        return norm.forward(x);
    }
}
