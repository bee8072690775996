namespace ActorRL.Model.TinyGpt;

public enum NormKind
{
    LayerNorm,
    RmsNorm,
}

/// <summary>
/// Sizes of a TinyGpt (nanoGPT-shaped, with RoPE instead of learned positions).
/// </summary>
/// <param name="VocabularySize">Rows of the token embedding (the tokenizer's vocabulary size).</param>
/// <param name="DModel">Width of the residual stream.</param>
/// <param name="Layers">Number of transformer blocks.</param>
/// <param name="Heads">Attention heads per block; must divide <paramref name="DModel"/> into an even head size (RoPE rotates pairs).</param>
/// <param name="MaxSequenceLength">Longest prompt + response the model accepts (size of the RoPE tables and the KV cache bound).</param>
/// <param name="TieEmbeddings">Use the token embedding as the output layer (fewer parameters; common for small models).</param>
/// <param name="MlpRatio">Hidden width of the MLP as a multiple of <paramref name="DModel"/>.</param>
/// <param name="Norm">Pre-norm flavour: LayerNorm (one fused kernel on CPU) or RMSNorm (as in Llama/Qwen).</param>
/// <param name="NormEpsilon">Epsilon of the norms.</param>
/// <param name="RopeTheta">RoPE base frequency.</param>
/// <param name="InitStd">Std of the normal initialisation; residual output projections use InitStd / sqrt(2 · Layers) (GPT-2).</param>
public sealed record TinyGptConfig(
    int VocabularySize,
    int DModel = 128,
    int Layers = 4,
    int Heads = 4,
    int MaxSequenceLength = 256,
    bool TieEmbeddings = true,
    int MlpRatio = 4,
    NormKind Norm = NormKind.LayerNorm,
    double NormEpsilon = 1e-5,
    double RopeTheta = 10000.0,
    double InitStd = 0.02)
{
    public int HeadDim => DModel / Heads;

    /// <summary>Throws <see cref="ArgumentException"/> describing the first inconsistent size.</summary>
    public void Validate()
    {
        if (VocabularySize < 2) throw new ArgumentException($"vocabulary size must be ≥ 2, got {VocabularySize}");
        if (DModel < 2) throw new ArgumentException($"d-model must be ≥ 2, got {DModel}");
        if (Layers < 1) throw new ArgumentException($"n-layers must be ≥ 1, got {Layers}");
        if (Heads < 1 || DModel % Heads != 0)
            throw new ArgumentException($"n-heads ({Heads}) must be ≥ 1 and divide d-model ({DModel})");
        if (HeadDim % 2 != 0)
            throw new ArgumentException($"head size d-model / n-heads = {HeadDim} must be even (RoPE rotates pairs of dimensions)");
        if (MaxSequenceLength < 2) throw new ArgumentException($"max-seq-len must be ≥ 2, got {MaxSequenceLength}");
        if (MlpRatio < 1) throw new ArgumentException($"mlp-ratio must be ≥ 1, got {MlpRatio}");
        if (!(NormEpsilon > 0)) throw new ArgumentException($"norm-eps must be > 0, got {NormEpsilon}");
        if (!(RopeTheta > 1)) throw new ArgumentException($"rope-theta must be > 1, got {RopeTheta}");
        if (!(InitStd > 0)) throw new ArgumentException($"init-std must be > 0, got {InitStd}");
    }
}
