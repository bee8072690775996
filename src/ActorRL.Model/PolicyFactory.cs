using ActorRL.Model.Policies;
using ActorRL.Model.Settings;
using ActorRL.Model.Tokenizers;
using ActorRL.Model.TinyGpt;
using static TorchSharp.torch;

namespace ActorRL.Model;

/// <summary>Builds tokenizers and policies from <see cref="ModelSettings"/> (the one place that maps settings to classes).</summary>
public static class PolicyFactory
{
    /// <summary>
    /// The configured tokenizer. For <c>type = char</c> the alphabet is the configured one or, when that is null,
    /// <paramref name="taskAlphabet"/> (the task's characters).
    /// </summary>
    public static ITokenizer CreateTokenizer(ModelSettings settings, string? taskAlphabet = null) => settings.Tokenizer switch
    {
        TokenizerKind.Char => new CharTokenizer(settings.Alphabet ?? taskAlphabet
            ?? throw new ArgumentException("actorrl.model.tokenizer.alphabet is null and the task supplies no alphabet")),
        TokenizerKind.Bpe => ByteLevelBpeTokenizer.Load(settings.TokenizerPath!),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Tokenizer, "unknown tokenizer kind"),
    };

    /// <summary>A freshly initialised policy (weights drawn from <paramref name="seed"/>) at version 0 on <paramref name="device"/>.</summary>
    public static CausalLmPolicy Create(ModelSettings settings, ITokenizer tokenizer, long seed, Device? device = null) =>
        settings.Architecture switch
        {
            "tiny-gpt" => new CausalLmPolicy(
                new TinyGptModel(settings.TinyGpt(tokenizer.VocabularySize), seed, device ?? CPU, settings.DType), tokenizer),
            _ => throw new ArgumentException($"unknown model architecture '{settings.Architecture}' (supported: tiny-gpt)"),
        };
}
