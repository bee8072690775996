using ActorRL.Core.Configuration;
using ActorRL.Model.Checkpoints;
using ActorRL.Model.Decoder;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Lora;
using ActorRL.Model.Policies;
using ActorRL.Model.Settings;
using AdamW = ActorRL.Model.Training.AdamW;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests.HuggingFace;

/// <summary>model.lora: adapters on a Qwen3 folder, checked against the merged weights W + (alpha / rank) · B A.</summary>
public sealed class LoraTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-lora-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder()
    {
        if (Directory.Exists(Path.Combine(_root, "qwen3"))) return Path.Combine(_root, "qwen3");
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config("Qwen3ForCausalLM", tie: true);
        return TinyQwenFolder.Write(Path.Combine(_root, "qwen3"), config, TinyQwenFolder.RandomWeights(config, 1), ScalarType.Float32, shards: 1, ChatTemplates.Qwen3);
    }

    private static ModelSettings Settings(string folder, string lora) => ModelSettings.FromConfig(SettingsReader.FromReference(
        $"actorrl.model {{ architecture = qwen3, path = \"{folder}\", dtype = float64, max-seq-len = 32, lora {{ {lora} }} }}", "actorrl.model"));

    private static CausalLmPolicy Create(ModelSettings settings) => PolicyFactory.Create(settings, PolicyFactory.CreateTokenizer(settings), seed: 5);

    private static readonly ScoringSequence[] Batch = [new([1, 2, 3, 4], [5, 6, 7]), new([8, 9], [10, 11, 12, 13])];

    private static Tensor LogProbs(IPolicy policy)
    {
        using var noGrad = no_grad();
        return policy.Score(Batch, new ScoreOptions(ComputeEntropy: false)).LogProbs.detach().clone();
    }

    [Fact]
    public void Adapters_start_as_the_base_model_and_score_as_the_merged_weights_once_trained()
    {
        using var scope = NewDisposeScope();
        var folder = Folder();
        using var lora = Create(Settings(folder, "rank = 4, alpha = 8, targets = [q_proj, v_proj, down_proj]"));
        using var plain = Create(Settings(folder, "rank = null"));
        // B = 0: exactly the base model.
        Assert.True(LogProbs(lora).equal(LogProbs(plain)).all().item<bool>());

        // Give every B a value, then score with the base weights replaced by W + (8 / 4) · B A, independently of the
        // adapter code path (a plain decoder, no adapters).
        using (no_grad())
        {
            using var generator = new Generator(3);
            foreach (var (name, parameter) in lora.NamedParameters().Where(p => p.Name.EndsWith("lora_B.weight", StringComparison.Ordinal)))
                parameter.normal_(0, 0.05, generator);
        }
        var model = Assert.IsType<LoraModel>(lora.Model);
        var merged = new Dictionary<string, Tensor>(Base(model));
        using (no_grad())
        {
            var adapters = lora.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            foreach (var target in new[] { "self_attn.q_proj", "self_attn.v_proj", "mlp.down_proj" })
            for (var layer = 0; layer < model.Base.Config.Layers; layer++)
            {
                var prefix = $"model.layers.{layer}.{target}";
                merged[prefix + ".weight"] = merged[prefix + ".weight"] + 2.0 * adapters[prefix + ".lora_B.weight"].matmul(adapters[prefix + ".lora_A.weight"]);
            }
        }
        plain.LoadWeights(new PolicyWeights(0, merged));
        var expected = LogProbs(plain);
        var actual = LogProbs(lora);
        Assert.False(actual.equal(LogProbs(Create(Settings(folder, "rank = null")))).all().item<bool>(), "the adapters must change the scores");
        Assert.True(actual.allclose(expected, rtol: 1e-10, atol: 1e-12), $"largest difference {(actual - expected).abs().max().item<double>():E3}");
        // MergeIntoBase writes that same merge into the base (what a merged export saves) and still scores the same.
        model.MergeIntoBase();
        foreach (var (name, weight) in Base(model)) Assert.True(weight.allclose(merged[name], rtol: 1e-12, atol: 1e-14), name);
        Assert.True(LogProbs(lora).allclose(expected, rtol: 1e-10, atol: 1e-12));
    }

    private static Dictionary<string, Tensor> Base(LoraModel model) =>
        model.Base.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.detach().clone());

    [Fact]
    public void Only_the_adapters_train_exchange_and_checkpoint()
    {
        using var scope = NewDisposeScope();
        using var policy = Create(Settings(Folder(), "rank = 2, targets = [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]"));
        var model = Assert.IsType<LoraModel>(policy.Model);
        var names = policy.NamedParameters().Select(p => p.Name).ToList();
        Assert.Equal(model.Base.Config.Layers * 7 * 2, names.Count);
        Assert.Contains("model.layers.0.self_attn.q_proj.lora_A.weight", names);
        Assert.Contains("model.layers.1.mlp.down_proj.lora_B.weight", names);
        Assert.All(model.Base.NamedParameters(), p => Assert.False(p.Parameter.requires_grad, p.Name));

        var baseBefore = Base(model);
        using var optimizer = new AdamW(policy.NamedParameters());
        for (var step = 0; step < 3; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.ZeroGrad();
            (-policy.Score(Batch).LogProbs.sum()).backward();
            optimizer.Step(1e-2);
        }
        foreach (var (name, weight) in Base(model)) Assert.True(weight.equal(baseBefore[name]).all().item<bool>(), $"{name} is frozen");
        Assert.Contains(policy.NamedParameters(), p => p.Name.EndsWith("lora_B.weight", StringComparison.Ordinal) && p.Parameter.abs().max().item<double>() > 0);
        Assert.Equal(names.Count * 2, optimizer.ExportState().Count); // moments of the adapters only

        // A snapshot carries the adapters only; a replica (a generator's copy) scores as the policy does.
        using var snapshot = policy.ExportWeights();
        Assert.Equal(names.Order(), snapshot.Tensors.Keys.Order());
        using var replica = policy.CreateReplica();
        Assert.True(LogProbs(replica).equal(LogProbs(policy)).all().item<bool>());

        // A checkpoint holds the adapters and their moments; loading it into a fresh policy on the same base restores them.
        var checkpoint = Path.Combine(_root, "step-3");
        Checkpoint.Save(checkpoint, policy, optimizer);
        var (saved, _) = ActorRL.Model.SafeTensors.SafeTensorsReader.ReadAll(Path.Combine(checkpoint, Checkpoint.WeightsFile));
        Assert.Equal(names.Order(), saved.Keys.Order());
        using var resumed = Create(Settings(Folder(), "rank = 2, targets = [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]"));
        using var resumedOptimizer = new AdamW(resumed.NamedParameters());
        Checkpoint.Load(checkpoint, resumed, resumedOptimizer);
        Assert.True(LogProbs(resumed).equal(LogProbs(policy)).all().item<bool>());
    }

    [Theory]
    [InlineData("rank = 0", "actorrl.model.lora.rank", "must be a whole number ≥ 1")]
    [InlineData("rank = -3", "actorrl.model.lora.rank", "got -3")]
    [InlineData("rank = 4, targets = [q_proj, attn_proj]", "actorrl.model.lora.targets", "'attn_proj', which the qwen3 decoder does not have")]
    [InlineData("rank = 4, targets = []", "actorrl.model.lora.targets", "at least one projection")]
    [InlineData("rank = 4, dropout = 1.5", "actorrl.model.lora.dropout", "1.5")]
    public void Bad_adapter_settings_name_the_key(string lora, string key, string message)
    {
        var error = Assert.Throws<SettingsException>(() => Settings(Folder(), lora));
        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Adapters_need_a_pretrained_base()
    {
        var error = Assert.Throws<SettingsException>(() =>
            ModelSettings.FromConfig(SettingsReader.FromReference("actorrl.model.lora.rank = 8", "actorrl.model")));
        Assert.Equal("actorrl.model.lora.rank", error.Key);
        Assert.Contains("architecture = tiny-gpt", error.Message);
    }
}
