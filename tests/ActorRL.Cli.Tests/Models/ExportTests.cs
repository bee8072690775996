using ActorRL.Cli.Commands;
using ActorRL.Model.Checkpoints;
using static TorchSharp.torch;

namespace ActorRL.Cli.Tests.Models;

/// <summary>
/// A pretrained-architecture run end to end as a user drives it: `model init` → `train` (chat prompts, warm start,
/// RL) → `export` → `model score` of the export, which must equal the ledger's newest committed checkpoint bit for bit.
/// </summary>
public sealed class ExportTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-export-").FullName;
    private string _model = "";
    private string _runDir = "";

    private static readonly int[] Probe = [1, 50, 51, 52, 53, 54, 55, 60];

    public async Task InitializeAsync()
    {
        _model = await TinyQwen3Model.InitAsync(_root);
        _runDir = Path.Combine(_root, "run");
        var pipeline = Path.Combine(_root, "pipeline.conf");
        File.WriteAllText(pipeline, $$"""
            actorrl {
              run { dir = "{{_runDir}}", seed = 5 }
              logging.file = false
              model { architecture = qwen3, path = "{{_model}}", max-seq-len = 192, chat-template = true, enable-thinking = false }
              task.arithmetic { digits-max = 2, demo-style = direct }
              warm-start { steps = 3, batch-size = 4 }
              pipeline { max-staleness = 1, groups-per-step = 2, group-size = 4, rl-steps = 3, prompts-per-generation = 2, generators = 1, eval-size = 4 }
              persistence.checkpoint-every = 2
              generation.max-new-tokens = 10
            }
            """);
        var train = await CliRunner.Run("train", pipeline);
        Assert.True(train.Code == 0, train.Err + train.Out);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private static double[] ScoreCheckpoint(string model, string checkpoint) => CheckpointScoring.Score(model, checkpoint, Probe);

    [Fact]
    public async Task The_export_scores_bit_identically_to_the_newest_committed_checkpoint_and_differs_from_the_untrained_model()
    {
        var exported = Path.Combine(_root, "exported");
        var (code, output, error) = await CliRunner.Run("export", _runDir, "--out", exported);
        Assert.True(code == 0, error);
        Assert.Contains("Exported step 3", output);
        Assert.Contains("Qwen3ForCausalLM", output);
        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json" }) Assert.True(File.Exists(Path.Combine(exported, file)), file);

        var fromExport = ModelScoreCommand.Score(exported, Probe, ScalarType.Float32);
        var fromCheckpoint = ScoreCheckpoint(_model, Path.Combine(_runDir, "checkpoints", "step-000003"));
        Assert.Equal(fromCheckpoint, fromExport);
        Assert.NotEqual(ModelScoreCommand.Score(_model, Probe, ScalarType.Float32), fromExport);

        // An earlier committed step on request; a folder that holds something is never written over.
        var earlier = await CliRunner.Run("export", _runDir, "--step", "2", "--out", Path.Combine(_root, "step2"));
        Assert.True(earlier.Code == 0, earlier.Err);
        Assert.Equal(ScoreCheckpoint(_model, Path.Combine(_runDir, "checkpoints", "step-000002")), ModelScoreCommand.Score(Path.Combine(_root, "step2"), Probe, ScalarType.Float32));
        var again = await CliRunner.Run("export", _runDir, "--out", exported);
        Assert.Equal(2, again.Code);
        Assert.Contains("already exists and is not empty", again.Err);
    }

    [Fact]
    public async Task A_step_the_ledger_did_not_commit_or_a_checkpoint_that_fails_verification_is_not_exported()
    {
        var missing = await CliRunner.Run("export", _runDir, "--step", "77", "--out", Path.Combine(_root, "none"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("no committed checkpoint of step 77", missing.Err);

        var weights = Path.Combine(_runDir, "checkpoints", "step-000003", Checkpoint.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(weights, bytes);
        var corrupt = await CliRunner.Run("export", _runDir, "--out", Path.Combine(_root, "corrupt"));
        Assert.Equal(2, corrupt.Code);
        Assert.Contains("does not match its ledger entry", corrupt.Err);
        Assert.False(Directory.Exists(Path.Combine(_root, "corrupt")));
    }

    [Fact]
    public async Task Eval_and_ledger_read_a_qwen3_run_like_any_other()
    {
        var eval = await CliRunner.Run("eval", _runDir, "-k", "2", "--prompts", "4");
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("4 held-out prompts, policy version ", eval.Out);
        Assert.DoesNotContain("policy version 0", eval.Out); // the trained policy, not the initial one
        var ledger = await CliRunner.Run("ledger", _runDir);
        Assert.True(ledger.Code == 0, ledger.Err);
    }

    [Fact]
    public async Task A_tiny_gpt_run_has_no_hugging_face_export()
    {
        var tiny = Path.Combine(_root, "tiny");
        Directory.CreateDirectory(tiny);
        File.WriteAllText(Path.Combine(tiny, "config.conf"), $"actorrl.run.dir = \"{tiny}\"");
        var (code, _, error) = await CliRunner.Run("export", tiny, "--out", Path.Combine(_root, "tiny-out"));
        Assert.Equal(2, code);
        Assert.Contains("architecture = tiny-gpt, which has no Hugging Face counterpart", error);
    }
}
