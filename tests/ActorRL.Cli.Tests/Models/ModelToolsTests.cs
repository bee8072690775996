using System.Text.Json;
using System.Text.Json.Nodes;
using ActorRL.Model.Tests.HuggingFace;

namespace ActorRL.Cli.Tests.Models;

/// <summary>
/// <c>actorrl model init | score | generate</c> as a user runs them, on a tokenizer written independently of
/// ActorRL (TinyQwenFolder) with Qwen3's real chat template.
/// </summary>
public sealed class ModelToolsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-model-tools-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Tokenizer()
    {
        var dir = Path.Combine(_root, "tokenizer");
        if (!Directory.Exists(dir)) TinyQwenFolder.WriteTokenizer(dir, ChatTemplates.Qwen3);
        return dir;
    }

    private async Task<string> Init(string architecture = "qwen3", params string[] extra)
    {
        var dir = Path.Combine(_root, architecture + Guid.NewGuid().ToString("N")[..6]);
        var (code, output, error) = await CliRunner.Run(["model", "init", "--architecture", architecture, "--tokenizer", Tokenizer(),
            "--hidden-size", "32", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--intermediate-size", "48", "--max-position-embeddings", "128",
            "--seed", "3", "--out", dir, .. extra]);
        Assert.True(code == 0, error);
        Assert.StartsWith("Wrote ", output);
        return dir;
    }

    private static double[] LastLineArray(string output) =>
        JsonSerializer.Deserialize<double[]>(output.TrimEnd().Split('\n')[^1])!;

    [Fact]
    public async Task Init_writes_a_hugging_face_qwen3_folder_with_the_tokenizer_files()
    {
        var dir = await Init("qwen3", "--head-dim", "16");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        Assert.Equal("Qwen3ForCausalLM", config["architectures"]![0]!.GetValue<string>());
        Assert.Equal(("qwen3", 16, false, TinyQwenFolder.TokenizerVocabulary),
            (config["model_type"]!.GetValue<string>(), config["head_dim"]!.GetValue<int>(), config["attention_bias"]!.GetValue<bool>(), config["vocab_size"]!.GetValue<int>()));
        foreach (var file in new[] { "model.safetensors", "tokenizer.json", "tokenizer_config.json" }) Assert.True(File.Exists(Path.Combine(dir, file)), file);

        // A folder that holds something is never written over.
        var (code, _, error) = await CliRunner.Run("model", "init", "--architecture", "qwen3", "--tokenizer", Tokenizer(), "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("already exists and is not empty", error);
    }

    [Fact]
    public async Task Score_prints_one_log_prob_per_id_after_the_first_and_float64_agrees_with_float32()
    {
        var dir = await Init();
        var (code, output, error) = await CliRunner.Run("model", "score", dir, "--ids", "1,2,3,270,5");
        Assert.True(code == 0, error);
        var single = LastLineArray(output);
        Assert.Equal(4, single.Length);
        Assert.All(single, p => Assert.InRange(p, -20.0, 0.0));
        var (_, wide, _) = await CliRunner.Run("model", "score", dir, "--ids", "1,2,3,270,5", "--dtype", "float64");
        Assert.All(single.Zip(LastLineArray(wide)), p => Assert.InRange(Math.Abs(p.Item1 - p.Item2), 0, 1e-5));
    }

    [Fact]
    public async Task Generate_greedy_is_deterministic_and_json_gives_ids_and_log_probs_that_score_agrees_with()
    {
        var dir = await Init();
        var first = await CliRunner.Run("model", "generate", dir, "--prompt", "hello world", "--greedy", "--max-new-tokens", "6", "--json");
        var second = await CliRunner.Run("model", "generate", dir, "--prompt", "hello world", "--greedy", "--max-new-tokens", "6", "--json");
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(first.Out, second.Out);
        var json = JsonNode.Parse(first.Out)!;
        var ids = json["ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToList();
        var logProbs = json["log_probs"]!.AsArray().Select(n => n!.GetValue<double>()).ToList();
        Assert.Equal(ids.Count, logProbs.Count);
        Assert.InRange(ids.Count, 1, 6);

        // The sampler's log-probs are the scorer's.
        var prompt = json["prompt_ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        Assert.Equal(2, prompt.Length); // "hello" and "Ġworld" are whole tokens of the fixture's merges
        var (_, scored, _) = await CliRunner.Run("model", "score", dir, "--ids", string.Join(",", prompt.Concat(ids)));
        var tail = LastLineArray(scored)[(prompt.Length - 1)..];
        Assert.All(logProbs.Zip(tail), p => Assert.InRange(Math.Abs(p.Item1 - p.Item2), 0, 1e-4));
    }

    [Fact]
    public async Task Generate_with_chat_renders_the_template_and_no_thinking_needs_the_switch()
    {
        var dir = await Init();
        var (code, _, error) = await CliRunner.Run("model", "generate", dir, "--prompt", "hello", "--chat", "--no-thinking", "--max-new-tokens", "3");
        Assert.True(code == 0, error);
        var bad = await CliRunner.Run("model", "generate", dir, "--ids", "1,2", "--chat");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--chat renders --prompt", bad.Err);
    }

    [Theory]
    [InlineData("--architecture", "mistral", "--architecture must be qwen2, qwen3 or llama")]
    [InlineData("--heads", "3", "num_key_value_heads (2) must be ≥ 1 and divide num_attention_heads (3)")]
    [InlineData("--dtype", "int8", "--dtype must be float32, float64, bfloat16 or float16")]
    public async Task Init_refuses_impossible_sizes_with_one_line_and_writes_nothing(string option, string value, string message)
    {
        var dir = Path.Combine(_root, "never");
        string[] args = ["model", "init", "--architecture", "qwen3", "--tokenizer", Tokenizer(), "--out", dir];
        var i = Array.IndexOf(args, option);
        args = i >= 0 ? args.Select((a, k) => k == i + 1 ? value : a).ToArray() : [.. args, option, value];
        var (code, _, error) = await CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }
}
