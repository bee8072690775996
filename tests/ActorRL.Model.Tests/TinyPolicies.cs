using ActorRL.Model.Policies;
using ActorRL.Model.Tokenizers;
using ActorRL.Model.TinyGpt;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

/// <summary>Small randomly initialised policies for tests (fast on 2 CPU cores).</summary>
internal static class TinyPolicies
{
    public const string Alphabet = "0123456789+-*= \n?abcdefgh";

    public static CharTokenizer Tokenizer() => new(Alphabet);

    public static CausalLmPolicy Create(long seed = 1, ScalarType dtype = ScalarType.Float32, int dModel = 32, int layers = 2,
        int heads = 4, int maxLen = 96, bool tie = true, NormKind norm = NormKind.LayerNorm, double initStd = 0.2)
    {
        var tokenizer = Tokenizer();
        // A larger init std than training's default makes the random model's distributions far from uniform,
        // so numerical comparisons are not trivially satisfied.
        var config = new TinyGptConfig(tokenizer.VocabularySize, dModel, layers, heads, maxLen, tie, Norm: norm, InitStd: initStd);
        return new CausalLmPolicy(new TinyGptModel(config, seed, dtype: dtype), tokenizer);
    }

    public static IReadOnlyList<int> Prompt(string text) =>
        [CharTokenizer.Bos, .. Tokenizer().Encode(text)];
}
