using System.Text;
using System.Text.Json.Nodes;
using ActorRL.Model.Tests.HuggingFace;
using static TorchSharp.torch;

namespace ActorRL.Cli.Tests.Models;

/// <summary>
/// A model folder that cannot be used is bad input: `actorrl train` (and --dry-run) exits 2 with one line naming the
/// file and the field, and writes nothing — no run directory, no log, no ledger.
/// </summary>
public sealed class PretrainedFolderErrorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-bad-folder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(Action<JsonObject, Dictionary<string, Tensor>>? edit = null, ScalarType storeAs = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config("Qwen3ForCausalLM", tie: true);
        var weights = TinyQwenFolder.RandomWeights(config, seed: 2);
        edit?.Invoke(config, weights);
        return TinyQwenFolder.Write(Path.Combine(_root, Guid.NewGuid().ToString("N")), config, weights, storeAs, shards: 1, ChatTemplates.Qwen3);
    }

    private async Task<string> TrainFails(string folder, params string[] extra)
    {
        var runDir = Path.Combine(_root, "run-" + Guid.NewGuid().ToString("N"));
        var message = "";
        foreach (var dryRun in new[] { true, false })
        {
            string[] args = ["train", "samples/arithmetic/pipeline.conf", "--set", "actorrl.model.architecture=qwen3", "--set", $"actorrl.model.path={folder}",
                "--set", "actorrl.model.max-seq-len=128", "--set", $"actorrl.run.dir={runDir}", .. extra];
            var (code, output, error) = await CliRunner.Run(dryRun ? [.. args, "--dry-run"] : args);
            Assert.True(code == 2, $"exit {code}: {error}{output}");
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.StartsWith("actorrl: ", error);
            Assert.DoesNotContain("   at ", error);
            Assert.False(Directory.Exists(runDir), "a refused run must write nothing");
            message = error;
        }
        return message;
    }

    [Theory]
    [InlineData("config.json", "no config.json")]
    [InlineData("model.safetensors", "no weights: expected model.safetensors")]
    [InlineData("tokenizer.json", "no tokenizer.json")]
    public async Task A_folder_without_one_of_its_files_names_it(string missing, string message)
    {
        var dir = Folder();
        File.Delete(Path.Combine(dir, missing));
        Assert.Contains(message, await TrainFails(dir));
    }

    [Fact]
    public async Task A_missing_tensor_is_named()
    {
        var error = await TrainFails(Folder((_, w) => w.Remove("model.layers.1.self_attn.q_norm.weight")));
        Assert.Contains("missing tensor 'model.layers.1.self_attn.q_norm.weight'", error);
    }

    [Fact]
    public async Task A_tensor_of_the_wrong_shape_names_the_file_the_tensor_and_both_shapes()
    {
        var error = await TrainFails(Folder((_, w) => w["model.layers.0.mlp.up_proj.weight"] = zeros(10, 32)));
        Assert.Contains("model.safetensors: tensor 'model.layers.0.mlp.up_proj.weight' has shape [10, 32] but config.json implies [64, 32]", error);
    }

    [Fact]
    public async Task A_tokenizer_larger_than_the_embedding_is_refused_naming_tokenizer_json()
    {
        var error = await TrainFails(Folder((c, w) =>
        {
            c["vocab_size"] = 100;
            w["model.embed_tokens.weight"] = zeros(100, TinyQwenFolder.Hidden);
        }));
        Assert.Contains("tokenizer.json: the tokenizer has", error);
        Assert.Contains("config.json vocab_size is 100", error);
    }

    [Fact]
    public async Task Weights_of_a_dtype_that_is_not_floating_point_are_refused()
    {
        Assert.Contains("is stored as I8; weights must be BF16, F16, F32 or F64", await TrainFails(Folder(storeAs: ScalarType.Int8)));
    }

    [Fact]
    public async Task A_dtype_code_this_engine_does_not_know_names_the_file_and_tensor()
    {
        var dir = Folder(storeAs: ScalarType.Int8);
        var path = Path.Combine(dir, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        var length = (int)BitConverter.ToUInt64(bytes, 0);
        var header = Encoding.UTF8.GetString(bytes, 8, length).Replace("\"I8\"", "\"F8_E4M3\"");
        var patched = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)patched.Length), .. patched, .. bytes.AsSpan(8 + length)]);
        var error = await TrainFails(dir);
        Assert.Contains("model.safetensors: not a valid safetensors file:", error);
        Assert.Contains("dtype 'F8_E4M3'", error);
    }

    [Fact]
    public async Task A_folder_of_another_architecture_than_the_run_names_both()
    {
        var error = await TrainFails(Folder(), "--set", "actorrl.model.architecture=qwen2");
        Assert.Contains("config.json: architectures: 'Qwen3ForCausalLM' is a qwen3 model, but actorrl.model.architecture = qwen2", error);
    }

    [Fact]
    public async Task Unsupported_config_fields_are_named()
    {
        var error = await TrainFails(Folder((c, _) => c["rope_scaling"] = JsonNode.Parse("""{"rope_type": "yarn", "factor": 4}""")));
        Assert.Contains("config.json: rope_scaling", error);
    }
}
