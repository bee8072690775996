using ActorRL.Model.Tests.HuggingFace;

namespace ActorRL.Cli.Tests.Models;

/// <summary>A one-layer qwen3 folder made as a user makes one: `actorrl model init` on a hand-written Qwen3 tokenizer.</summary>
internal static class TinyQwen3Model
{
    /// <summary>Writes the tokenizer under <paramref name="root"/>/tokenizer (once) and a model into <paramref name="root"/>/<paramref name="name"/>.</summary>
    public static async Task<string> InitAsync(string root, string name = "init", int seed = 0)
    {
        var tokenizer = Path.Combine(root, "tokenizer");
        if (!Directory.Exists(tokenizer)) TinyQwenFolder.WriteTokenizer(tokenizer, ChatTemplates.Qwen3);
        var model = Path.Combine(root, name);
        var init = await CliRunner.Run("model", "init", "--architecture", "qwen3", "--tokenizer", tokenizer, "--hidden-size", "32", "--layers", "1",
            "--heads", "2", "--kv-heads", "1", "--head-dim", "32", "--intermediate-size", "48", "--max-position-embeddings", "256",
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", model);
        Assert.True(init.Code == 0, init.Err);
        return model;
    }
}
