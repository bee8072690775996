using System.Text.Json.Nodes;
using ActorRL.Model.HuggingFace;

namespace ActorRL.Model.Tests.HuggingFace;

public sealed class ChatTemplateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-chat-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Qwen25System = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n";

    [Fact]
    public void Qwen25_template_renders_a_question_with_the_default_system_prompt_and_the_assistant_header()
    {
        var template = ChatMlTemplate.FromJinja(ChatTemplates.Qwen25, "tokenizer_config.json");
        Assert.Equal(ChatMlTemplate.Qwen25DefaultSystemPrompt, template.DefaultSystemPrompt);
        Assert.Equal(
            Qwen25System + "<|im_start|>user\nNatalia sold 48 clips in April. How many in May?<|im_end|>\n<|im_start|>assistant\n",
            template.RenderPrompt("Natalia sold 48 clips in April. How many in May?"));
    }

    [Fact]
    public void A_given_system_prompt_replaces_the_default_and_a_whole_conversation_renders_turn_by_turn()
    {
        var template = ChatMlTemplate.FromJinja(ChatTemplates.Qwen25, "tokenizer_config.json");
        Assert.Equal(
            "<|im_start|>system\nSolve it.<|im_end|>\n<|im_start|>user\n2+3?<|im_end|>\n<|im_start|>assistant\n",
            template.RenderPrompt("2+3?", systemPrompt: "Solve it."));
        var conversation = template.Render(
        [
            ChatMessage.User("What is 2+3?"),
            ChatMessage.Assistant("5"),
            ChatMessage.User("And times 4?\nShow work."),
        ], addGenerationPrompt: false);
        Assert.Equal(
            Qwen25System +
            "<|im_start|>user\nWhat is 2+3?<|im_end|>\n" +
            "<|im_start|>assistant\n5<|im_end|>\n" +
            "<|im_start|>user\nAnd times 4?\nShow work.<|im_end|>\n",
            conversation);
        Assert.Contains("role 'tool'", Assert.Throws<ArgumentException>(() => template.Render([new ChatMessage("tool", "{}")], true)).Message);
    }

    [Fact]
    public void Each_qwen_release_keeps_its_own_default_system_prompt()
    {
        Assert.Equal("You are a helpful assistant.", ChatMlTemplate.FromJinja(ChatTemplates.Qwen2, "x").DefaultSystemPrompt);
        // The Jinja literal's "\\boxed" is one backslash in the rendered prompt.
        var math = ChatMlTemplate.FromJinja(ChatTemplates.Qwen25Math, "x");
        Assert.Equal(@"Please reason step by step, and put your final answer within \boxed{}.", math.DefaultSystemPrompt);
        Assert.StartsWith("<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n<|im_start|>user\n",
            math.RenderPrompt("1+1?"));
    }

    [Theory]
    [InlineData(nameof(ChatTemplates.Llama3))]
    [InlineData(nameof(ChatTemplates.DeepSeekR1Distill))]
    public void Templates_of_other_formats_are_refused(string name)
    {
        var jinja = name == nameof(ChatTemplates.Llama3) ? ChatTemplates.Llama3 : ChatTemplates.DeepSeekR1Distill;
        var error = Assert.Throws<HuggingFaceFolderException>(() => ChatMlTemplate.FromJinja(jinja, "some/tokenizer_config.json"));
        Assert.StartsWith("some/tokenizer_config.json: unsupported chat template: only the ChatML format", error.Message);
    }

    [Fact]
    public void The_template_is_found_in_tokenizer_config_json_as_text_or_named_list_or_in_chat_template_jinja()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), new JsonObject { ["chat_template"] = ChatTemplates.Qwen25 }.ToJsonString());
        Assert.Equal(ChatMlTemplate.Qwen25DefaultSystemPrompt, ChatMlTemplate.FromFolder(_dir)!.DefaultSystemPrompt);

        var named = new JsonArray(
            new JsonObject { ["name"] = "tool_use", ["template"] = ChatTemplates.Llama3 },
            new JsonObject { ["name"] = "default", ["template"] = ChatTemplates.Qwen2 });
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), new JsonObject { ["chat_template"] = named }.ToJsonString());
        Assert.Equal("You are a helpful assistant.", ChatMlTemplate.FromFolder(_dir)!.DefaultSystemPrompt);

        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), """{"eos_token": "<|im_end|>"}""");
        Assert.Null(ChatMlTemplate.FromFolder(_dir));
        File.WriteAllText(Path.Combine(_dir, ChatMlTemplate.JinjaFile), ChatTemplates.Qwen25Math);
        Assert.StartsWith("Please reason", ChatMlTemplate.FromFolder(_dir)!.DefaultSystemPrompt);
    }

    [Fact]
    public void The_rendered_prompt_tokenizes_with_each_marker_as_one_special_token()
    {
        TinyQwenFolder.WriteTokenizer(_dir, ChatTemplates.Qwen25);
        var tokenizer = HuggingFaceLoader.LoadTokenizer(_dir);
        var ids = tokenizer.Encode(ChatMlTemplate.FromFolder(_dir)!.RenderPrompt("hello world", systemPrompt: "hello"));
        var start = tokenizer.IdOf("<|im_start|>")!.Value;
        var end = tokenizer.IdOf("<|im_end|>")!.Value;
        Assert.Equal(3, ids.Count(i => i == start));
        Assert.Equal(2, ids.Count(i => i == end));
        Assert.Equal(start, ids[0]);
        Assert.Equal(end, tokenizer.EosId); // a reply ends where its turn ends
        Assert.Equal("system\nhello\nuser\nhello world\nassistant\n", tokenizer.Decode(ids));
    }

    [Fact]
    public void Qwen3_has_no_default_system_prompt_and_its_thinking_switch_closes_an_empty_think_block()
    {
        var template = ChatMlTemplate.FromJinja(ChatTemplates.Qwen3, "tokenizer_config.json");
        Assert.Null(template.DefaultSystemPrompt);
        Assert.Equal("<think>\n\n</think>\n\n", template.ThinkingOffSuffix);
        // What Qwen3's Jinja renders for one user turn with add_generation_prompt, by hand from the template text.
        Assert.Equal("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n", template.RenderPrompt("2+2?"));
        Assert.Equal("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n", template.RenderPrompt("2+2?", enableThinking: true));
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
            template.RenderPrompt("2+2?", "Be brief.", enableThinking: false));
    }

    [Fact]
    public void Turning_thinking_off_on_a_template_without_the_switch_is_an_error_not_a_silent_no_op()
    {
        var qwen25 = ChatMlTemplate.FromJinja(ChatTemplates.Qwen25, "tokenizer_config.json");
        Assert.Null(qwen25.ThinkingOffSuffix);
        Assert.Contains("enable_thinking = false", Assert.Throws<ArgumentException>(() => qwen25.RenderPrompt("q", enableThinking: false)).Message);
    }

    [Fact]
    public void Think_tags_are_added_tokens_that_encode_whole_and_decode_to_their_text_while_specials_decode_to_nothing()
    {
        TinyQwenFolder.WriteTokenizer(_dir, ChatTemplates.Qwen3);
        var tokenizer = HuggingFaceLoader.LoadTokenizer(_dir);
        var ids = tokenizer.Encode("<think>hello</think>world<|im_end|>");
        Assert.Equal(TinyQwenFolder.ThinkId, ids[0]);
        Assert.Contains(TinyQwenFolder.ThinkId + 1, ids);
        Assert.Equal(tokenizer.IdOf("<|im_end|>"), ids[^1]);
        // As Hugging Face's decode(skip_special_tokens=True): <think> is not special, so a verifier sees it.
        Assert.Equal("<think>hello</think>world", tokenizer.Decode(ids));
        Assert.Equal("<think>", tokenizer.TokenText(TinyQwenFolder.ThinkId));
        Assert.Equal("", tokenizer.TokenText(tokenizer.IdOf("<|im_end|>")!.Value));
    }
}
