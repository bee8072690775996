namespace ActorRL.Benchmarks.Model;

/// <summary>The networks the model benchmark measures, each against its PyTorch twin in bench/pytorch_peer.py.</summary>
public enum ModelBenchmarkArchitecture
{
    /// <summary>TinyGpt: pre-LayerNorm blocks, RoPE attention, GELU MLP, tied output layer.</summary>
    TinyGpt,
    /// <summary>Hugging Face's Qwen3 through <see cref="Decoder.DecoderForCausalLM"/>: q/k norms, grouped-query attention, SwiGLU.</summary>
    Qwen3,
}
