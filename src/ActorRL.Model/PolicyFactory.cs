using ActorRL.Model.HuggingFace;
using ActorRL.Model.Lora;
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
    /// <paramref name="taskAlphabet"/> (the task's characters). A pretrained model uses its folder's tokenizer.json.
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
    /// a pretrained family (qwen2, qwen3, llama) loaded from its Hugging Face folder in the configured dtype (the seed
    /// is unused).
    /// </summary>
    /// With <c>model.lora</c>, the pretrained decoder is frozen and wrapped with adapters drawn from <paramref name="seed"/>
    /// (B = 0, so the policy starts as the base model).
    public static CausalLmPolicy Create(ModelSettings settings, ITokenizer tokenizer, long seed, Device? device = null)
    {
        if (settings.Family is not { } family)
            return new CausalLmPolicy(new TinyGptModel(settings.TinyGpt(tokenizer.VocabularySize), seed, device ?? CPU, settings.DType), tokenizer);
        var decoder = HuggingFaceLoader.LoadDecoder(settings.ModelPath!, settings.MaxSequenceLength, device ?? CPU, settings.DType, family);
        if (settings.Lora is not { } lora) return HuggingFaceLoader.WithTokenizer(decoder, tokenizer, settings.ModelPath!);
        var adapted = new LoraModel(decoder, lora, seed, settings.ModelPath!);
        try
        {
            return new CausalLmPolicy(adapted, tokenizer);
        }
        catch
        {
            adapted.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Everything about a pretrained model folder that can fail, checked from headers alone (config.json, tensor
    /// names, shapes and dtypes, tokenizer, chat template and its switches) so a run refuses a bad folder before it
    /// writes anything. Nothing to check for tiny-gpt. Throws <see cref="HuggingFaceFolderException"/>.
    /// </summary>
    public static void CheckPretrained(ModelSettings settings)
    {
        if (settings.Family is not { } family) return;
        HuggingFaceLoader.Inspect(settings.ModelPath!, settings.MaxSequenceLength, family);
        ChatTemplate(settings);
    }

    /// <summary>
    /// Turns a task's prompt text into what the model is prompted with: for a pretrained model with
    /// chat-template = true, the text as the user turn of the folder's ChatML template (system turn = system-prompt,
    /// else the template's default) ending in the assistant header (and, with enable-thinking = false, Qwen3's empty
    /// think block); otherwise the text unchanged.
    /// </summary>
    public static Func<string, string> CreatePromptFormatter(ModelSettings settings)
    {
        if (ChatTemplate(settings) is not { } template) return text => text;
        var (system, thinking) = (settings.SystemPrompt, settings.EnableThinking);
        return text => template.RenderPrompt(text, system, thinking);
    }

    /// <summary>
    /// The token a demonstration ends with and sampling stops at besides EOS: the chat template's end of turn
    /// (&lt;|im_end|&gt;) when prompts are chats, else null (the tokenizer's EOS alone).
    /// </summary>
    public static string? EndOfTurnToken(ModelSettings settings) => ChatTemplate(settings) is null ? null : ChatMlTemplate.EndOfTurn;

    private static ChatMlTemplate? ChatTemplate(ModelSettings settings)
    {
        if (!settings.IsPretrained || !settings.UseChatTemplate) return null;
        var folder = Path.GetFullPath(settings.ModelPath!);
        var template = ChatMlTemplate.FromFolder(folder)
            ?? throw new HuggingFaceFolderException(folder,
                "has no chat template (tokenizer_config.json chat_template or chat_template.jinja); set actorrl.model.chat-template = false to prompt with the raw text");
        if (settings.EnableThinking == false && template.ThinkingOffSuffix is null)
            throw new HuggingFaceFolderException(Path.Combine(folder, ModelFolder.TokenizerConfigFile),
                "chat_template has no enable_thinking switch (Qwen3's has one); remove actorrl.model.enable-thinking = false");
        return template;
    }
}
