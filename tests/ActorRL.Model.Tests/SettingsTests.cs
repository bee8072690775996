using ActorRL.Core.Configuration;
using ActorRL.Model.Policies;
using ActorRL.Model.Settings;
using ActorRL.Model.TinyGpt;
using ActorRL.Model.Training;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

public sealed class SettingsTests
{
    [Fact]
    public void Reference_defaults_build_a_working_tiny_gpt_and_optimizer()
    {
        var model = ModelSettings.FromConfig(SettingsReader.FromReference(section: "actorrl.model"));
        Assert.Equal(("tiny-gpt", 128, 4, 4, 256), (model.Architecture, model.DModel, model.Layers, model.Heads, model.MaxSequenceLength));
        Assert.Equal(NormKind.LayerNorm, model.Norm);
        Assert.Null(model.Alphabet);

        var learner = LearnerSettings.FromConfig(SettingsReader.FromReference(section: "actorrl.learner"));
        Assert.Equal("auto", learner.Device);
        Assert.Equal(LearningRateDecay.Constant, learner.Schedule);

        var tokenizer = PolicyFactory.CreateTokenizer(model, taskAlphabet: "0123456789+=\n");
        using var policy = PolicyFactory.Create(model, tokenizer, seed: 3);
        Assert.Equal(0L, policy.Version);
        Assert.Single(policy.Sample(new SamplingRequest([[1, 3, 4]], MaxNewTokens: 4)));
        using var optimizer = learner.CreateOptimizer(policy.NamedParameters());
        Assert.Equal((0.9, 0.99), (optimizer.Beta1, optimizer.Beta2));
    }

    [Fact]
    public void Overrides_reach_the_records()
    {
        var model = ModelSettings.FromConfig(SettingsReader.FromReference(
            "actorrl.model { d-model = 64, n-heads = 2, norm = rmsnorm, tie-embeddings = false, dtype = float64, tokenizer.alphabet = \"ab\" }",
            "actorrl.model"));
        Assert.Equal((64, 2, NormKind.RmsNorm, false, ScalarType.Float64, "ab"),
            (model.DModel, model.Heads, model.Norm, model.TieEmbeddings, model.DType, model.Alphabet));
        var learner = LearnerSettings.FromConfig(SettingsReader.FromReference(
            "actorrl.learner { device = \"cuda:1\", lr-schedule = cosine, decay-steps = 500, betas = [0.8, 0.95] }", "actorrl.learner"));
        Assert.Equal(("cuda:1", LearningRateDecay.Cosine, 500L, 0.8), (learner.Device, learner.Schedule, learner.DecaySteps, learner.Beta1));
        Assert.Equal(500, learner.ScheduleFor(stageSteps: 20).TotalSteps);
    }

    [Theory]
    [InlineData("actorrl.model.n-heads = 3", "actorrl.model", "actorrl.model.n-heads")]
    [InlineData("actorrl.model.n-heads = 128", "actorrl.model", "even head size")]
    [InlineData("actorrl.model.norm = batchnorm", "actorrl.model", "layernorm | rmsnorm")]
    [InlineData("actorrl.model.tokenizer.type = bpe", "actorrl.model", "actorrl.model.tokenizer.path")]
    [InlineData("actorrl.learner.device = gpu", "actorrl.learner", "auto | cpu | cuda | cuda:N")]
    [InlineData("actorrl.learner.device = \"cpu:1\"", "actorrl.learner", "auto | cpu | cuda | cuda:N")]
    [InlineData("actorrl.learner.betas = [0.9]", "actorrl.learner", "actorrl.learner.betas")]
    [InlineData("actorrl.learner.lr-schedule = step", "actorrl.learner", "constant | linear | cosine")]
    public void Bad_values_name_the_key_and_what_is_allowed(string hocon, string section, string expected)
    {
        var error = Assert.Throws<SettingsException>(() =>
        {
            var reader = SettingsReader.FromReference(hocon, section);
            if (section == "actorrl.model") ModelSettings.FromConfig(reader);
            else LearnerSettings.FromConfig(reader);
        });
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Device_auto_picks_cpu_without_cuda_and_explicit_cuda_is_an_error_there()
    {
        Assert.Equal(cuda.is_available() ? TorchSharp.DeviceType.CUDA : TorchSharp.DeviceType.CPU, DeviceSelection.Resolve("auto").type);
        Assert.Equal(TorchSharp.DeviceType.CPU, DeviceSelection.Resolve("cpu").type);
        if (!cuda.is_available())
            Assert.Contains("no CUDA device", Assert.Throws<ArgumentException>(() => DeviceSelection.Resolve("cuda:0")).Message);
        Assert.False(DeviceSelection.IsValid("auto:0"));
        Assert.True(DeviceSelection.IsValid("cuda:12"));
    }
}
