using System.Diagnostics;
using System.Text.Json;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Tests.HuggingFace;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests.Decoder;

/// <summary>
/// The tiny models' logits against tests/reference/decoder_reference.py: a Qwen2/Qwen3/Llama forward written separately in
/// PyTorch (Debian's python3-torch), reading the same Hugging Face folder with its own safetensors parser.
/// Without /usr/bin/python3 + torch + numpy the test is skipped with the reason — except under CI=true, where the
/// reference is required and its absence fails the test.
/// </summary>
public sealed class ReferenceLogitsTests(ITestOutputHelper output) : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<string?> MissingReason = new(FindMissing);
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-qwen-ref-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SkippableTheory]
    [InlineData("Qwen2ForCausalLM", true, false, "F32", 3)]   // tied embeddings, float32 shards with an index
    [InlineData("Qwen2ForCausalLM", false, true, "BF16", 1)]  // separate lm_head, padded vocabulary, one bfloat16 model.safetensors
    [InlineData("Qwen3ForCausalLM", true, true, "BF16", 2)]   // q/k norms, head_dim 16 ≠ hidden / heads, no biases
    [InlineData("Qwen3ForCausalLM", false, false, "F16", 1)]  // untied, float16 storage
    [InlineData("LlamaForCausalLM", false, false, "F32", 1)]  // no biases, no q/k norms
    public void Logits_equal_an_independent_pytorch_forward_to_1e_4(string architecture, bool tie, bool paddedVocabulary, string storage, int shards)
    {
        RequireReference();
        var storeAs = storage switch { "BF16" => ScalarType.BFloat16, "F16" => ScalarType.Float16, _ => ScalarType.Float32 };
        string dir;
        using (var scope = NewDisposeScope())
        {
            var config = TinyQwenFolder.Config(architecture, tie, paddedVocabulary);
            dir = TinyQwenFolder.Write(Path.Combine(_root, "model"), config, TinyQwenFolder.RandomWeights(config, seed: 11), storeAs, shards);
        }
        long[][] rows = [[267, 5, 88, 266, 17, 200, 3, 9, 150, 255, 12, 40, 268], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]];

        var expected = RunReference(dir, rows);
        using var model = HuggingFaceLoader.LoadDecoder(dir, maxSequenceLength: 64);
        using var scope2 = NewDisposeScope();
        using var noGrad = no_grad();
        var width = rows[0].Length;
        var ids = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, width]);
        var logits = model.Logits(model.Forward(ids, arange((long)width).view(1, width).expand(rows.Length, width), null, null))
            .to(ScalarType.Float64).data<double>().ToArray();

        var vocab = model.VocabularySize;
        Assert.Equal(rows.Length * width * vocab, expected.Length);
        var worst = expected.Zip(logits, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"max |logit − reference| = {worst:E2} over {expected.Length} logits (max |logit| {expected.Max(Math.Abs):F2})");
        Assert.InRange(worst, 0, 1e-4);
    }

    private void RequireReference()
    {
        if (MissingReason.Value is not { } reason) return;
        if (Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail($"CI=true requires the PyTorch reference, but {reason} (apt-get install -y python3-torch python3-numpy)");
        output.WriteLine($"skipped: {reason}");
        Skip.If(true, $"{reason}; install python3-torch and python3-numpy to run the PyTorch reference comparison");
    }

    /// <summary>The reference's logits for <paramref name="rows"/>, flattened [row, position, vocab].</summary>
    private static double[] RunReference(string folder, long[][] rows)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script());
        start.ArgumentList.Add(folder);
        start.ArgumentList.Add(JsonSerializer.Serialize(rows));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the PyTorch reference did not finish within 120 s");
        }
        Assert.True(process.ExitCode == 0, $"the PyTorch reference failed (exit {process.ExitCode}): {stderr.Result}");
        using var json = JsonDocument.Parse(stdout.Result);
        return json.RootElement.GetProperty("logits").EnumerateArray()
            .SelectMany(row => row.EnumerateArray()).SelectMany(position => position.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
    }

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "reference", "decoder_reference.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"tests/reference/decoder_reference.py not found above {AppContext.BaseDirectory}");
    }

    private static string? FindMissing()
    {
        if (!File.Exists(Python)) return $"{Python} is not installed";
        var start = new ProcessStartInfo(Python, ["-c", "import torch, numpy"]) { RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{Python} cannot import torch and numpy ({error.Trim().Split('\n').LastOrDefault()})";
    }
}
