using System.Globalization;
using ActorRL.Model.Decoder;
using ActorRL.Model.Policies;
using ActorRL.Model.TinyGpt;
using static TorchSharp.torch;

namespace ActorRL.Benchmarks.Model;

/// <summary>
/// One architecture on both sides: how we build it and the peer arguments that build the same network in PyTorch.
/// The sizes come from one place (the options, through the model's own config), so the two sides cannot drift apart.
/// </summary>
/// <param name="PeerArguments">bench/pytorch_peer.py's arguments beyond the sizes every case shares (see PyTorchPeer.Start).</param>
internal sealed record ModelBenchmarkCase(string Name, string Description, Func<ICausalLanguageModel> CreateModel, IReadOnlyList<string> PeerArguments)
{
    public static ModelBenchmarkCase For(ModelBenchmarkArchitecture architecture, ModelBenchmarkOptions o, int maxLength) => architecture switch
    {
        ModelBenchmarkArchitecture.TinyGpt => TinyGpt(o, maxLength),
        ModelBenchmarkArchitecture.Qwen3 => Qwen3(o, maxLength),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "unknown benchmark architecture"),
    };

    private static ModelBenchmarkCase TinyGpt(ModelBenchmarkOptions o, int maxLength)
    {
        var config = new TinyGptConfig(o.Vocabulary, o.DModel, o.Layers, o.Heads, maxLength);
        return new ModelBenchmarkCase("TinyGpt", $"d-model {config.DModel}, {config.Layers} layers, {config.Heads} heads, vocabulary {config.VocabularySize}",
            () => new TinyGptModel(config, seed: 0), ["--arch", "tinygpt"]);
    }

    /// <summary>
    /// Qwen3 at TinyGpt's width, depth and heads, with Qwen3-0.6B's proportions where they differ from TinyGpt:
    /// two query heads per key/value head (16 / 8) and an MLP 3× the hidden size (3072 / 1024), so the parameter
    /// count stays within 1 % of TinyGpt's. head_dim = hidden / heads, the vocabulary is the benchmark's (not 151,936).
    /// </summary>
    private static ModelBenchmarkCase Qwen3(ModelBenchmarkOptions o, int maxLength)
    {
        var kvHeads = o.Heads % 2 == 0 ? o.Heads / 2 : o.Heads;
        var config = DecoderConfig.Create(DecoderFamily.Qwen3, o.Vocabulary, o.DModel, 3 * o.DModel, o.Layers, o.Heads, kvHeads, o.DModel / o.Heads,
            maxPositionEmbeddings: Math.Max(maxLength, 4096));
        static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return new ModelBenchmarkCase("Qwen3",
            $"hidden {config.HiddenSize}, {config.Layers} layers, {config.Heads} heads / {config.KeyValueHeads} kv heads, head_dim {config.HeadDim}, " +
            $"MLP {config.IntermediateSize}, vocabulary {config.VocabularySize}, tied",
            () => new DecoderForCausalLM(config, maxLength, CPU, ScalarType.Float32, seed: 0),
            ["--arch", "qwen3", "--kv-heads", $"{config.KeyValueHeads}", "--head-dim", $"{config.HeadDim}", "--intermediate", $"{config.IntermediateSize}",
             "--rope-theta", D(config.RopeTheta), "--norm-eps", D(config.RmsNormEps)]);
    }
}
