using ActorRL.Core.Algorithms;
using ActorRL.Core.Configuration;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Policies;
using ActorRL.Model.Decoder;
using ActorRL.Model.Settings;
using ActorRL.Tasks;
using ActorRL.Tasks.Rewards;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests.HuggingFace;

public sealed class PretrainedSettingsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-qwen-settings-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ModelSettings Model(string hocon) =>
        ModelSettings.FromConfig(SettingsReader.FromReference(hocon, "actorrl.model"));

    [Fact]
    public void Architecture_qwen2_loads_the_folder_with_its_tokenizer_and_wraps_prompts_in_its_chat_template()
    {
        string dir;
        using (var scope = NewDisposeScope())
        {
            var config = TinyQwenFolder.Config(tie: true);
            dir = TinyQwenFolder.Write(Path.Combine(_root, "qwen"), config, TinyQwenFolder.RandomWeights(config, 1), ScalarType.BFloat16);
        }
        var settings = Model($"actorrl.model {{ architecture = qwen2, path = \"{dir}\", dtype = float16, max-seq-len = 48, system-prompt = \"Be brief.\" }}");
        Assert.Equal((dir, true, "Be brief.", ScalarType.Float16), (settings.ModelPath, settings.UseChatTemplate, settings.SystemPrompt, settings.DType));

        var tokenizer = PolicyFactory.CreateTokenizer(settings);
        using var policy = PolicyFactory.Create(settings, tokenizer, seed: 0);
        var model = Assert.IsType<DecoderForCausalLM>(policy.Model);
        Assert.Equal((ScalarType.Float16, 48, TinyQwenFolder.TokenizerVocabulary), (model.DType, model.MaxSequenceLength, tokenizer.VocabularySize));

        var format = PolicyFactory.CreatePromptFormatter(settings);
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n12+30?<|im_end|>\n<|im_start|>assistant\n", format("12+30?"));
        var raw = PolicyFactory.CreatePromptFormatter(settings with { UseChatTemplate = false });
        Assert.Equal("12+30?", raw("12+30?"));
        Assert.Single(policy.Sample(new SamplingRequest([tokenizer.Encode(format("12+30?"))], MaxNewTokens: 3)));
    }

    [Fact]
    public void Qwen2_without_a_path_or_with_a_template_less_folder_is_a_clear_error()
    {
        var error = Assert.Throws<SettingsException>(() => Model("actorrl.model.architecture = qwen2"));
        Assert.Contains("actorrl.model.path", error.Message);
        Assert.Contains("Hugging Face model folder", error.Message);
        Assert.Contains("tiny-gpt | qwen2 | qwen3 | llama", Assert.Throws<SettingsException>(() => Model("actorrl.model.architecture = mistral")).Message);

        var dir = Path.Combine(_root, "base");
        TinyQwenFolder.WriteTokenizer(dir, chatTemplate: null);
        var noTemplate = Model($"actorrl.model {{ architecture = qwen2, path = \"{dir}\" }}");
        Assert.Contains("chat-template = false", Assert.Throws<HuggingFaceFolderException>(() => PolicyFactory.CreatePromptFormatter(noTemplate)).Message);
        Assert.Equal("q", PolicyFactory.CreatePromptFormatter(noTemplate with { UseChatTemplate = false })("q"));
    }

    [Fact]
    public void The_gsm8k_qwen_sample_is_a_valid_pipeline()
    {
        var file = SampleFile("samples/gsm8k-qwen/pipeline.conf");
        var config = PipelineConfig.Load([file], []);

        var model = ModelSettings.FromConfig(config.Reader("actorrl.model"));
        Assert.Equal(("qwen2", "models/Qwen2.5-0.5B-Instruct", ScalarType.Float32, 1024), (model.Architecture, model.ModelPath, model.DType, model.MaxSequenceLength));
        Assert.Equal(@"Please reason step by step, and put your final answer within \boxed{}.", model.SystemPrompt);
        Assert.True(model.UseChatTemplate);

        var task = TaskSettings.FromConfig(config.Reader("actorrl.task"));
        Assert.Equal((TaskName.Jsonl, "data/gsm8k/train.jsonl", "{question}"), (task.Name, task.Jsonl.Path, task.Jsonl.Template));
        var learner = LearnerSettings.FromConfig(config.Reader("actorrl.learner"));
        Assert.Equal(("cuda", 1e-6), (learner.Device, learner.LearningRate));
        var algorithm = AlgorithmSettings.FromConfig(config.Reader("actorrl.algorithm"));
        Assert.Equal((0.2, 0.28), (algorithm.ClipLow, algorithm.ClipHigh));
        VerifierSettings.FromConfig(config.Reader("actorrl.verifier"));
        RunSettings.FromConfig(config.Reader("actorrl.run"));
        var pipeline = config.Reader("actorrl.pipeline");
        Assert.Equal((8, 32, 512), (pipeline.GetInt("group-size"), pipeline.GetInt("groups-per-step"), config.Reader("actorrl.generation").GetInt("max-new-tokens")));
    }

    private static string SampleFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
