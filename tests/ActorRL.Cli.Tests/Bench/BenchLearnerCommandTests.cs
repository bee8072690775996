using ActorRL.Model.Tests.HuggingFace;

namespace ActorRL.Cli.Tests.Bench;

/// <summary><c>actorrl bench learner</c> on a small qwen3 folder from <c>actorrl model init</c>.</summary>
public sealed class BenchLearnerCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-bench-learner-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<string> Model()
    {
        var tokenizer = Path.Combine(_root, "tokenizer");
        TinyQwenFolder.WriteTokenizer(tokenizer, ChatTemplates.Qwen3);
        var model = Path.Combine(_root, "model");
        var (code, _, error) = await CliRunner.Run("model", "init", "--architecture", "qwen3", "--tokenizer", tokenizer,
            "--hidden-size", "16", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--intermediate-size", "32", "--out", model);
        Assert.True(code == 0, error);
        return model;
    }

    [Fact]
    public async Task It_prints_one_row_per_batch_and_budget_and_splits_only_under_a_budget()
    {
        var (code, output, error) = await CliRunner.Run("bench", "learner", "--model", await Model(),
            "--batches", "4,8", "--budgets", "16,200", "--prompt-tokens", "8", "--response-tokens", "8", "--updates", "1");
        Assert.True(code == 0, error);
        var rows = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(c => c.Length == 7 && int.TryParse(c[0], out _))
            .ToList();
        Assert.Equal(["4 unsplit", "4 16", "4 200", "8 unsplit", "8 16", "8 200"], rows.Select(c => $"{c[0]} {c[1]}"));
        Assert.All(rows.Where(c => c[1] == "unsplit"), c => Assert.Equal("1", c[2]));
        // Sequences are 8 + 2…8 tokens, so a 16-token budget holds one: every response is its own micro-batch.
        Assert.Equal(["4", "8"], rows.Where(c => c[1] == "16").Select(c => c[2]));
    }

    [Fact]
    public async Task With_a_lora_rank_it_compares_what_a_weight_sync_carries()
    {
        var (code, output, error) = await CliRunner.Run("bench", "learner", "--model", await Model(),
            "--batches", "4", "--budgets", "64", "--prompt-tokens", "8", "--response-tokens", "8", "--updates", "1", "--lora-rank", "2");
        Assert.True(code == 0, error);
        var full = output.Split('\n').Single(l => l.StartsWith("full ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var lora = output.Split('\n').Single(l => l.StartsWith("LoRA r=2", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // 1 layer, 7 projections, rank 2: (in + out) · 2 per projection, far fewer than the whole model.
        var trainable = long.Parse(lora[2].Replace(",", ""));
        Assert.True(trainable > 0 && trainable < long.Parse(full[1].Replace(",", "")) / 5, $"LoRA trains {trainable}");
        Assert.True(double.Parse(lora[4].TrimEnd('×'), System.Globalization.CultureInfo.InvariantCulture) < 0.2, string.Join(' ', lora));
    }

    [Fact]
    public async Task A_budget_below_the_longest_sequence_is_bad_usage()
    {
        var (code, _, error) = await CliRunner.Run("bench", "learner", "--model", await Model(),
            "--budgets", "32", "--prompt-tokens", "16", "--response-tokens", "64");
        Assert.Equal(2, code);
        Assert.Contains("--budgets: 32 is smaller than the longest sequence (16 prompt + 64 response tokens)", error);
    }
}
