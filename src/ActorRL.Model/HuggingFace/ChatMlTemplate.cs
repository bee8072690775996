using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorRL.Model.HuggingFace;

/// <summary>One turn of a conversation: role is system, user or assistant.</summary>
public sealed record ChatMessage(string Role, string Content)
{
    public static ChatMessage System(string content) => new("system", content);
    public static ChatMessage User(string content) => new("user", content);
    public static ChatMessage Assistant(string content) => new("assistant", content);
}

/// <summary>
/// The ChatML conversation format of the Qwen family, rendered in C# (there is no Jinja engine here):
/// <code>
/// &lt;|im_start|&gt;system\n{system}&lt;|im_end|&gt;\n&lt;|im_start|&gt;user\n{question}&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n
/// </code>
/// A conversation that does not open with a system turn gets the template's default system prompt when it has
/// one (Qwen2.5: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."; Qwen2: "You are a
/// helpful assistant."; Qwen2.5-Math: "Please reason step by step, …"). <see cref="FromJinja"/> recognises such
/// templates in a tokenizer_config.json and reads the default system prompt and the generation prompt out of the
/// Jinja text; any other template is refused, since rendering it as ChatML would silently change the prompts a
/// model was trained on. Tool calls are not rendered (only system, user and assistant turns). Qwen3's template
/// has a thinking switch: with enable_thinking = false its generation prompt ends with an empty think block
/// ("&lt;think&gt;\n\n&lt;/think&gt;\n\n"), read out of the Jinja text as <see cref="ThinkingOffSuffix"/>.
/// </summary>
public sealed partial class ChatMlTemplate
{
    /// <summary>Newer transformers versions store the template in this file instead of tokenizer_config.json.</summary>
    public const string JinjaFile = "chat_template.jinja";

    public const string Qwen25DefaultSystemPrompt = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
    private const string AssistantHeader = "<|im_start|>assistant\n";

    /// <summary>The token that closes every turn; a reply (and a demonstration) ends with it.</summary>
    public const string EndOfTurn = "<|im_end|>";

    public ChatMlTemplate(string? defaultSystemPrompt, string generationPrompt = AssistantHeader, string? thinkingOffSuffix = null)
    {
        if (!generationPrompt.StartsWith(AssistantHeader, StringComparison.Ordinal))
            throw new ArgumentException($"a ChatML generation prompt starts with \"<|im_start|>assistant\\n\", got \"{generationPrompt}\"", nameof(generationPrompt));
        DefaultSystemPrompt = defaultSystemPrompt;
        GenerationPrompt = generationPrompt;
        ThinkingOffSuffix = thinkingOffSuffix;
    }

    /// <summary>Qwen2.5-Instruct's template (also shipped by the Qwen2.5 base models).</summary>
    public static ChatMlTemplate Qwen25 { get; } = new(Qwen25DefaultSystemPrompt);

    /// <summary>System prompt used when a conversation has none; null = no system turn is added.</summary>
    public string? DefaultSystemPrompt { get; }

    /// <summary>What opens the assistant's reply (normally "&lt;|im_start|&gt;assistant\n").</summary>
    public string GenerationPrompt { get; }

    /// <summary>
    /// What the template appends after <see cref="GenerationPrompt"/> when enable_thinking is false (Qwen3:
    /// "&lt;think&gt;\n\n&lt;/think&gt;\n\n"); null when the template has no thinking switch.
    /// </summary>
    public string? ThinkingOffSuffix { get; }

    /// <summary>
    /// The conversation as the model sees it; with <paramref name="addGenerationPrompt"/> it ends with the opening of
    /// the assistant's turn, which is where a sampled response begins.
    /// </summary>
    /// <param name="enableThinking">Qwen3's enable_thinking: false closes the think block at once; null or true leave it to the model.</param>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, bool? enableThinking = null)
    {
        if (enableThinking == false && ThinkingOffSuffix is null)
            throw new ArgumentException("enable_thinking = false needs a template with a thinking switch (Qwen3's); this one has none", nameof(enableThinking));
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) throw new ArgumentException("a conversation needs at least one message", nameof(messages));
        var text = new StringBuilder();
        if (messages[0].Role != "system" && DefaultSystemPrompt is not null) Turn("system", DefaultSystemPrompt);
        for (var i = 0; i < messages.Count; i++)
        {
            var (role, content) = (messages[i].Role, messages[i].Content);
            if (role is not ("system" or "user" or "assistant"))
                throw new ArgumentException($"message {i} has role '{role}'; supported roles: system, user, assistant", nameof(messages));
            ArgumentNullException.ThrowIfNull(content, $"message {i} content");
            Turn(role, content);
        }
        if (addGenerationPrompt) text.Append(GenerationPrompt).Append(enableThinking == false ? ThinkingOffSuffix : "");
        return text.ToString();

        void Turn(string role, string content) => text.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
    }

    /// <summary>A single-turn prompt: <paramref name="user"/> as the user's message, ready for the assistant's reply.</summary>
    public string RenderPrompt(string user, string? systemPrompt = null, bool? enableThinking = null) =>
        Render(systemPrompt is null ? [ChatMessage.User(user)] : [ChatMessage.System(systemPrompt), ChatMessage.User(user)], addGenerationPrompt: true,
            enableThinking);

    /// <summary>
    /// The chat template of a model folder: tokenizer_config.json's "chat_template" (a string, or a list of named
    /// templates of which "default" is used), else chat_template.jinja; null when the folder has neither (a base
    /// model without a chat format). Throws <see cref="HuggingFaceFolderException"/> for a template that is not ChatML.
    /// </summary>
    public static ChatMlTemplate? FromFolder(string directory)
    {
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            JsonNode? config;
            try
            {
                config = JsonNode.Parse(File.ReadAllText(configPath));
            }
            catch (JsonException e)
            {
                throw new HuggingFaceFolderException(configPath, $"not valid JSON ({e.Message})");
            }
            switch (config?["chat_template"])
            {
                case JsonValue value when value.TryGetValue<string>(out var jinja):
                    return FromJinja(jinja, configPath);
                case JsonArray named:
                    var chosen = named.OfType<JsonObject>().FirstOrDefault(t => t["name"]?.GetValue<string>() == "default")?["template"]?.GetValue<string>()
                        ?? throw new HuggingFaceFolderException(configPath, "chat_template is a list without a \"default\" entry");
                    return FromJinja(chosen, configPath);
                case null:
                    break;
                case var other:
                    throw new HuggingFaceFolderException(configPath, $"chat_template must be a string or a list of named templates, got {other.ToJsonString()}");
            }
        }
        var jinjaPath = Path.Combine(directory, JinjaFile);
        return File.Exists(jinjaPath) ? FromJinja(File.ReadAllText(jinjaPath), jinjaPath) : null;
    }

    /// <summary>
    /// Recognises a ChatML template by its per-message rule <c>'&lt;|im_start|&gt;' + message['role'] + …</c> and reads
    /// the two things that vary between Qwen releases: the default system prompt (the literal
    /// <c>'&lt;|im_start|&gt;system\n…&lt;|im_end|&gt;\n'</c>) and the generation prompt (the literal emitted under
    /// <c>add_generation_prompt</c>).
    /// </summary>
    /// <param name="origin">The file the template came from (for error messages).</param>
    public static ChatMlTemplate FromJinja(string jinja, string origin)
    {
        if (!jinja.Contains("<|im_end|>", StringComparison.Ordinal) || !PerMessageRule().IsMatch(jinja))
            throw new HuggingFaceFolderException(origin,
                $"unsupported chat template: only the ChatML format of the Qwen family (<|im_start|>role\\n…<|im_end|>) is implemented; this template starts \"{Excerpt(jinja)}\"");

        var defaults = DefaultSystemLiteral().Matches(jinja).Select(m => UnescapeJinja(m.Groups["text"].Value)).Distinct().ToList();
        if (defaults.Count > 1)
            throw new HuggingFaceFolderException(origin, $"unsupported chat template: it has several default system prompts ({string.Join(" | ", defaults)})");

        var generation = GenerationLiteral().Match(jinja);
        if (!generation.Success)
            throw new HuggingFaceFolderException(origin,
                "unsupported chat template: no add_generation_prompt block that emits '<|im_start|>assistant\\n…', so there is no way to prompt for a reply");
        var thinkingOff = ThinkingOffLiteral().Match(jinja);
        return new ChatMlTemplate(defaults.SingleOrDefault(), UnescapeJinja(generation.Groups["text"].Value),
            thinkingOff.Success ? UnescapeJinja(thinkingOff.Groups["text"].Value) : null);
    }

    /// <summary>A Jinja string literal's text: \n, \t, \\, \' and \" escapes resolved.</summary>
    private static string UnescapeJinja(string literal)
    {
        var text = new StringBuilder(literal.Length);
        for (var i = 0; i < literal.Length; i++)
        {
            if (literal[i] != '\\' || i + 1 == literal.Length)
            {
                text.Append(literal[i]);
                continue;
            }
            var next = literal[++i];
            text.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
        }
        return text.ToString();
    }

    private static string Excerpt(string jinja)
    {
        var flat = Regex.Replace(jinja, @"\s+", " ").Trim();
        return flat.Length <= 80 ? flat : flat[..80] + "…";
    }

    [GeneratedRegex(@"'<\|im_start\|>'\s*\+\s*message(\[\s*'role'\s*\]|\[\s*""role""\s*\]|\.role)")]
    private static partial Regex PerMessageRule();

    // '<|im_start|>system\n' TEXT '<|im_end|>\n' inside one literal, in either quote style; TEXT may hold escapes.
    [GeneratedRegex(@"(?<q>['""])<\|im_start\|>system\\n(?<text>(?:(?!\k<q>)[^\\]|\\.)+?)<\|im_end\|>\\n\k<q>")]
    private static partial Regex DefaultSystemLiteral();

    [GeneratedRegex(@"if\s+add_generation_prompt\s*-?%\}\s*\{\{-?\s*(?<q>['""])(?<text><\|im_start\|>assistant\\n(?:(?!\k<q>)[^\\]|\\.)*)\k<q>")]
    private static partial Regex GenerationLiteral();

    // Qwen3: {%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\n\n</think>\n\n' }}
    [GeneratedRegex(@"if\s+enable_thinking\s+is\s+defined\s+and\s+enable_thinking\s+is\s+false\s*-?%\}\s*\{\{-?\s*(?<q>['""])(?<text>(?:(?!\k<q>)[^\\]|\\.)*)\k<q>")]
    private static partial Regex ThinkingOffLiteral();
}
