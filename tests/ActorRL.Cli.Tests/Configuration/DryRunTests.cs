using System.Text.Json;

namespace ActorRL.Cli.Tests.Configuration;

/// <summary>What passes `train --dry-run` starts: its data, files and sequence lengths are checked as a run checks them.</summary>
public sealed class DryRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-dry-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Pipeline(string questionPadding, params string[] settings)
    {
        var data = Path.Combine(_dir, "data.jsonl");
        File.WriteAllLines(data, Enumerable.Range(0, 20).Select(i => JsonSerializer.Serialize(new
        {
            question = $"What is {i} + {i}?{(i == 7 ? questionPadding : "")}",
            answer = $"Adding the two numbers digit by digit, {i} + {i} = {2 * i}\n#### {2 * i}",
        })));
        var file = Path.Combine(_dir, "pipeline.conf");
        File.WriteAllText(file, $"actorrl {{\n  task.name = jsonl\n  task.jsonl.path = \"{data}\"\n  run.dir = \"{Path.Combine(_dir, "run")}\"\n  {string.Join("\n  ", settings)}\n}}\n");
        return file;
    }

    [Fact]
    public async Task A_jsonl_dataset_of_ones_own_on_the_character_model_passes_and_trains()
    {
        // The character model takes its alphabet from the data: no tokenizer to configure.
        var file = Pipeline("", "pipeline.rl-steps = 1", "warm-start.steps = 1", "pipeline.groups-per-step = 2", "pipeline.prompts-per-generation = 2", "pipeline.eval-every = 0");
        var (dry, output, error) = await CliRunner.Run("train", file, "--dry-run");
        Assert.True(dry == 0, error);
        Assert.StartsWith("OK:", output);
        var (code, _, trainError) = await CliRunner.Run("train", file);
        Assert.True(code == 0, trainError);
    }

    [Fact]
    public async Task A_record_longer_than_the_model_is_refused_naming_max_seq_len_and_the_length_it_needs()
    {
        var file = Pipeline(" " + new string('x', 300));
        var (code, _, error) = await CliRunner.Run("train", file, "--dry-run");
        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("actorrl.model.max-seq-len", line);
        Assert.Contains("raise max-seq-len to at least", line);
        Assert.DoesNotContain("   at ", error);
        Assert.False(Directory.Exists(Path.Combine(_dir, "run")), "a refused dry run wrote nothing");
    }

    [Fact]
    public async Task A_demonstration_too_long_for_the_warm_start_is_refused_and_passes_at_the_length_the_error_names()
    {
        // Each prompt (~36 characters) fits with 20 new tokens in 80, but not with its ~60-character demonstration.
        var (code, _, error) = await CliRunner.Run("train", Pipeline("", "model.max-seq-len = 80", "generation.max-new-tokens = 20"), "--dry-run");
        Assert.Equal(2, code);
        Assert.Contains("warm-start demonstration", error);
        var needed = System.Text.RegularExpressions.Regex.Match(error, @"at least (\d+)").Groups[1].Value;
        var (raised, _, raisedError) = await CliRunner.Run("train", Pipeline("", $"model.max-seq-len = {needed}", "generation.max-new-tokens = 20"), "--dry-run");
        Assert.True(raised == 0, raisedError);
    }
}
