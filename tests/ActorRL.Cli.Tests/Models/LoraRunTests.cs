using System.Text.Json.Nodes;
using ActorRL.Cli.Commands;
using ActorRL.Core.Configuration;
using ActorRL.Model;
using ActorRL.Model.Checkpoints;
using ActorRL.Model.Policies;
using ActorRL.Model.SafeTensors;
using ActorRL.Model.Settings;
using static TorchSharp.torch;

namespace ActorRL.Cli.Tests.Models;

/// <summary>
/// A LoRA run as a user drives it: `model init` → `train` with model.lora → checkpoints of adapters only →
/// `export --merge` (one Hugging Face folder that scores as the trained policy) and `export --adapters` (PEFT).
/// </summary>
public sealed class LoraRunTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-lora-run-").FullName;
    private string _model = "";
    private string _runDir = "";
    private string _pipeline = "";

    private static readonly int[] Probe = [1, 50, 51, 52, 53, 54, 55, 60];

    public async Task InitializeAsync()
    {
        _model = await TinyQwen3Model.InitAsync(_root);
        _runDir = Path.Combine(_root, "run");
        _pipeline = Path.Combine(_root, "pipeline.conf");
        File.WriteAllText(_pipeline, $$"""
            actorrl {
              run { dir = "{{_runDir}}", seed = 5 }
              logging.file = false
              model {
                architecture = qwen3, path = "{{_model}}", max-seq-len = 192, chat-template = true, enable-thinking = false
                lora { rank = 4, alpha = 8, targets = [q_proj, v_proj, up_proj, down_proj] }
              }
              task.arithmetic { digits-max = 2, demo-style = direct }
              warm-start { steps = 3, batch-size = 4 }
              learner.lr = 1e-2
              pipeline { max-staleness = 1, groups-per-step = 2, group-size = 4, rl-steps = 3, prompts-per-generation = 2, generators = 1, eval-size = 4 }
              persistence.checkpoint-every = 2
              generation.max-new-tokens = 10
            }
            """);
        var train = await CliRunner.Run("train", _pipeline);
        Assert.True(train.Code == 0, train.Err + train.Out);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private string Checkpoint3 => Path.Combine(_runDir, "checkpoints", "step-000003");

    /// <summary>log p of the probe under the trained LoRA policy: the base folder plus the checkpoint's adapters.</summary>
    private double[] TrainedScores()
    {
        var settings = ModelSettings.FromConfig(PipelineConfig.Load([_pipeline], []).Reader("actorrl").Section("model"));
        using var policy = PolicyFactory.Create(settings, PolicyFactory.CreateTokenizer(settings), seed: 0);
        Checkpoint.Load(Checkpoint3, policy);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var scored = policy.Score([new ScoringSequence([Probe[0]], Probe.Skip(1).ToList())], new ScoreOptions(ComputeEntropy: false));
        return scored.LogProbs.to(ScalarType.Float64).data<double>().ToArray();
    }

    [Fact]
    public void Checkpoints_hold_the_adapters_alone()
    {
        var (weights, _) = SafeTensorsReader.ReadAll(Path.Combine(Checkpoint3, Checkpoint.WeightsFile));
        Assert.Equal(1 * 4 * 2, weights.Count);
        Assert.All(weights.Keys, name => Assert.Matches(@"^model\.layers\.0\.(self_attn|mlp)\.(q_proj|v_proj|up_proj|down_proj)\.lora_[AB]\.weight$", name));
        Assert.Contains(weights, w => w.Key.EndsWith("lora_B.weight", StringComparison.Ordinal) && w.Value.abs().max().item<float>() > 0);
    }

    [Fact]
    public async Task A_merged_export_scores_as_the_trained_policy_and_not_as_the_base()
    {
        var merged = Path.Combine(_root, "merged");
        var (code, output, error) = await CliRunner.Run("export", _runDir, "--merge", "--out", merged);
        Assert.True(code == 0, error);
        Assert.Contains("Exported step 3", output);
        var fromExport = ModelScoreCommand.Score(merged, Probe, ScalarType.Float32);
        var trained = TrainedScores();
        for (var i = 0; i < trained.Length; i++) Assert.Equal(trained[i], fromExport[i], 4);
        Assert.NotEqual(ModelScoreCommand.Score(_model, Probe, ScalarType.Float32), fromExport);
    }

    [Fact]
    public async Task An_adapter_export_is_a_peft_folder_with_the_checkpoint_tensors()
    {
        var peft = Path.Combine(_root, "peft");
        var (code, _, error) = await CliRunner.Run("export", _runDir, "--adapters", "--out", peft);
        Assert.True(code == 0, error);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(peft, "adapter_config.json")))!;
        Assert.Equal(("LORA", 4, 8.0), ((string)config["peft_type"]!, (int)config["r"]!, (double)config["lora_alpha"]!));
        Assert.Equal(["q_proj", "v_proj", "up_proj", "down_proj"], config["target_modules"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(Path.GetFullPath(_model), (string)config["base_model_name_or_path"]!);
        var (adapters, _) = SafeTensorsReader.ReadAll(Path.Combine(peft, "adapter_model.safetensors"));
        var (checkpoint, _) = SafeTensorsReader.ReadAll(Path.Combine(Checkpoint3, Checkpoint.WeightsFile));
        Assert.Equal(checkpoint.Keys.Select(k => "base_model.model." + k).Order(), adapters.Keys.Order());
        foreach (var (name, tensor) in checkpoint) Assert.True(tensor.equal(adapters["base_model.model." + name]).all().item<bool>(), name);
    }

    [Fact]
    public async Task Adapters_are_never_exported_or_resumed_on_top_of_a_different_base()
    {
        var checkpoint = SafeTensorsReader.ReadAll(Path.Combine(Checkpoint3, Checkpoint.WeightsFile)).Metadata;
        Assert.Equal(Path.GetFullPath(_model), checkpoint["actorrl.lora.base"]);
        Assert.Matches("^[0-9a-f]{64}$", checkpoint["actorrl.lora.base-sha256"]);

        // The base folder's weights are replaced by another model's.
        var other = await TinyQwen3Model.InitAsync(_root, "other", seed: 9);
        File.Copy(Path.Combine(other, "model.safetensors"), Path.Combine(_model, "model.safetensors"), overwrite: true);

        var export = await CliRunner.Run("export", _runDir, "--merge", "--out", Path.Combine(_root, "merged"));
        Assert.Equal(2, export.Code);
        Assert.Contains("were trained on the base", export.Err);
        Assert.False(Directory.Exists(Path.Combine(_root, "merged")));
        var resume = await CliRunner.Run("train", _pipeline, "--set", "actorrl.pipeline.rl-steps=5");
        Assert.Equal(1, resume.Code);
        Assert.Contains("cannot resume", resume.Err + resume.Out);
        Assert.Contains("were trained on the base", resume.Err + resume.Out);
    }

    [Fact]
    public async Task A_lora_run_must_say_how_it_is_exported()
    {
        var (code, _, error) = await CliRunner.Run("export", _runDir, "--out", Path.Combine(_root, "plain"));
        Assert.Equal(2, code);
        Assert.Contains("pass --merge", error);
        Assert.Equal(2, (await CliRunner.Run("export", _runDir, "--merge", "--adapters", "--out", Path.Combine(_root, "both"))).Code);
    }
}
