using ActorRL.Model.HuggingFace;
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
    /// <paramref name="taskAlphabet"/> (the task's characters). A qwen2 model uses its folder's tokenizer.json.
    /// </summary>
    public static ITokenizer CreateTokenizer(ModelSettings settings, string? taskAlphabet = null) => settings.IsPretrained
        ? HuggingFaceLoader.LoadTokenizer(settings.ModelPath!)
        : settings.Tokenizer switch
    {
        TokenizerKind.Char => new CharTokenizer(settings.Alphabet ?? taskAlphabet
            ?? throw new ArgumentException("actorrl.model.tokenizer.alphabet is null and the task supplies no alphabet")),
        TokenizerKind.Bpe => ByteLevelBpeTokenizer.Load(settings.TokenizerPath!),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Tokenizer, "unknown tokenizer kind"),
    };

    /// <summary>
    /// A policy at version 0 on <paramref name="device"/>: tiny-gpt freshly initialised from <paramref name="seed"/>,
    /// qwen2 loaded from its Hugging Face folder in the configured dtype (the seed is unused).
    /// </summary>
    public static CausalLmPolicy Create(ModelSettings settings, ITokenizer tokenizer, long seed, Device? device = null) =>
        settings.Architecture switch
        {
            "tiny-gpt" => new CausalLmPolicy(
                new TinyGptModel(settings.TinyGpt(tokenizer.VocabularySize), seed, device ?? CPU, settings.DType), tokenizer),
            "qwen2" => Pretrained(settings, tokenizer, device ?? CPU),
            _ => throw new ArgumentException(
                $"unknown model architecture '{settings.Architecture}' (supported: {string.Join(", ", ModelSettings.Architectures)})"),
        };

    private static CausalLmPolicy Pretrained(ModelSettings settings, ITokenizer tokenizer, Device device)
    {
        var model = HuggingFaceLoader.LoadQwen2(settings.ModelPath!, settings.MaxSequenceLength, device, settings.DType);
        try
        {
            return new CausalLmPolicy(model, tokenizer);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Turns a task's prompt text into what the model is prompted with: for qwen2 with chat-template = true, the
    /// text as the user turn of the folder's ChatML template (system turn = system-prompt, else the template's
    /// default) ending in the assistant header; otherwise the text unchanged.
    /// </summary>
    public static Func<string, string> CreatePromptFormatter(ModelSettings settings)
    {
        if (!settings.IsPretrained || !settings.UseChatTemplate) return text => text;
        var template = ChatMlTemplate.FromFolder(Path.GetFullPath(settings.ModelPath!))
            ?? throw new HuggingFaceFolderException(Path.GetFullPath(settings.ModelPath!),
                "has no chat template (tokenizer_config.json chat_template or chat_template.jinja); set actorrl.model.chat-template = false to prompt with the raw text");
        var system = settings.SystemPrompt;
        return text => template.RenderPrompt(text, system);
    }
}
