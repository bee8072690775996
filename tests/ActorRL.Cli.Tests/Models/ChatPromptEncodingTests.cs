using System.Text.Json.Nodes;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Training;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Settings;
using ActorRL.Model.Tests.HuggingFace;

namespace ActorRL.Cli.Tests.Models;

/// <summary>
/// The one prompt encoding the generators, the learner's evaluations, `actorrl eval` and the warm start share
/// (PromptEncoding.For): with chat-template = true a task prompt is the folder's rendered chat, a demonstration
/// ends with &lt;|im_end|&gt;, and sampling stops there even when the tokenizer's EOS is another token.
/// </summary>
public sealed class ChatPromptEncodingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-chat-encoding-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ModelSettings Settings(string folder, string extra = "")
    {
        var file = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(file, $"actorrl.model {{ architecture = qwen3, path = \"{folder}\", max-seq-len = 128 {extra} }}");
        return ActorRLSettings.FromConfig(PipelineConfig.Load([file], [])).Model;
    }

    private string Folder(string? eosToken = null)
    {
        var dir = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        TinyQwenFolder.WriteTokenizer(dir, ChatTemplates.Qwen3);
        if (eosToken is not null)
        {
            var configPath = Path.Combine(dir, "tokenizer_config.json");
            var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            config["eos_token"] = eosToken;
            File.WriteAllText(configPath, config.ToJsonString());
        }
        return dir;
    }

    [Fact]
    public void A_chat_prompt_is_the_rendered_template_and_a_demonstration_ends_its_turn()
    {
        var dir = Folder();
        var tokenizer = HuggingFaceLoader.LoadTokenizer(dir);
        var encoding = PromptEncoding.For(Settings(dir, ", enable-thinking = false"), tokenizer);
        var rendered = "<|im_start|>user\n23+45=<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n";
        Assert.Equal(tokenizer.Encode(rendered), encoding.Prompt("23+45="));
        var target = encoding.Target(" Answer: 68");
        Assert.Equal(tokenizer.IdOf("<|im_end|>"), target[^1]);
        Assert.Equal(tokenizer.Encode(" Answer: 68"), target.Take(target.Count - 1));
        Assert.Null(encoding.StopTokenIds); // this tokenizer's EOS already is <|im_end|>
    }

    [Fact]
    public void With_a_base_tokenizer_whose_eos_is_endoftext_sampling_also_stops_at_the_end_of_turn()
    {
        var dir = Folder(eosToken: "<|endoftext|>");
        var tokenizer = HuggingFaceLoader.LoadTokenizer(dir);
        var encoding = PromptEncoding.For(Settings(dir), tokenizer);
        var endOfTurn = tokenizer.IdOf("<|im_end|>")!.Value;
        Assert.NotEqual(endOfTurn, tokenizer.EosId);
        Assert.Equal([endOfTurn], encoding.StopTokenIds);
        Assert.Equal(endOfTurn, encoding.Target("x")[^1]);
    }

    [Fact]
    public void Without_the_chat_template_the_text_is_prompted_raw_and_a_demonstration_ends_with_eos()
    {
        var dir = Folder(eosToken: "<|endoftext|>");
        var tokenizer = HuggingFaceLoader.LoadTokenizer(dir);
        var encoding = PromptEncoding.For(Settings(dir, ", chat-template = false"), tokenizer);
        Assert.Equal(tokenizer.Encode("23+45="), encoding.Prompt("23+45="));
        Assert.Equal(tokenizer.EosId, encoding.Target("x")[^1]);
        Assert.Null(encoding.StopTokenIds);
    }

    [Fact]
    public void Thinking_off_on_a_template_without_the_switch_names_the_key()
    {
        var dir = Path.Combine(_root, "qwen25");
        TinyQwenFolder.WriteTokenizer(dir, ChatTemplates.Qwen25);
        var error = Assert.Throws<HuggingFaceFolderException>(() =>
            PromptEncoding.For(Settings(dir, ", enable-thinking = false"), HuggingFaceLoader.LoadTokenizer(dir)));
        Assert.Contains("actorrl.model.enable-thinking = false", error.Message);
        Assert.EndsWith("tokenizer_config.json", error.Location);
    }
}
