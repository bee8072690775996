using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ActorRL.Model.Policies;

namespace ActorRL.Benchmarks.Model;

/// <summary>
/// A bench/pytorch_peer.py process that times one workload per request line (see the script's protocol). Blocking
/// I/O on purpose: the benchmark thread must never hop (see <see cref="ModelBenchmark.RunAsync"/>).
/// </summary>
internal sealed class PyTorchPeer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private PyTorchPeer(Process process, string info)
    {
        _process = process;
        Info = info;
    }

    public string Info { get; }

    /// <summary>
    /// Starts the peer of <paramref name="case"/>, which loads <paramref name="weightsPath"/> (see
    /// <see cref="PolicyWorkload.WriteWeights"/>) before it answers: both sides then hold the same numbers.
    /// </summary>
    public static PyTorchPeer Start(ModelBenchmarkOptions o, ModelBenchmarkCase @case, int maxLength, string weightsPath)
    {
        if (!File.Exists(o.Python))
            throw new PeerUnavailableException($"{o.Python} not found (install Debian's python3-torch; bench/run-model-bench.sh does)");
        var info = new ProcessStartInfo(o.Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     o.PeerScript ?? ExtractEmbeddedScript(), "--vocab", $"{o.Vocabulary}", "--d-model", $"{o.DModel}",
                     "--layers", $"{o.Layers}", "--heads", $"{o.Heads}", "--threads", $"{o.ThreadCount}", "--prompt", $"{o.PromptLength}",
                     "--rows", $"{o.SamplingRows}", "--max-len", $"{maxLength}", "--learner-rows", $"{o.LearnerRows}",
                     "--learner-response", $"{o.LearnerResponseLength}", "--weights", weightsPath,
                 }.Concat(@case.PeerArguments))
            info.ArgumentList.Add(argument);
        // torch's intra-op (OpenMP) threads = ours. OpenBLAS stays single-threaded: that is the peer's fastest setting
        // here — with its own pool at N threads as well, OpenBLAS's spinning workers compete with torch's OpenMP team
        // and the peer ran 1.3–2.5× slower (measured on the 2-core machine; see docs/benchmarks.md).
        info.Environment["OMP_NUM_THREADS"] = $"{o.ThreadCount}";
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        var process = Process.Start(info) ?? throw new PeerUnavailableException($"could not start {o.Python}");
        var peer = new PyTorchPeer(process, "");
        process.ErrorDataReceived += (_, e) =>
        {
            lock (peer._stderr) peer._stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        using var hello = JsonDocument.Parse(peer.ReadLine());
        var root = hello.RootElement;
        var blas = root.TryGetProperty("blas", out var b) ? b.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
        if (ReferenceBlas(blas) is { } reference)
        {
            peer.Dispose();
            throw new PeerUnavailableException(
                $"the peer's torch runs on the reference BLAS ({reference}), several times slower than an optimised one, which would flatter us; install libopenblas0-pthread");
        }
        return new PyTorchPeer(process, $"PyTorch {root.GetProperty("torch").GetString()}, {root.GetProperty("parameters").GetInt64():N0} parameters");
    }

    /// <summary>The reference (netlib) BLAS among the libraries the peer mapped, unless an optimised one is mapped too; null if none is.</summary>
    internal static string? ReferenceBlas(IReadOnlyList<string> mapped) =>
        mapped.Any(p => p.Contains("openblas", StringComparison.OrdinalIgnoreCase) || p.Contains("mkl", StringComparison.OrdinalIgnoreCase)
                        || p.Contains("blis", StringComparison.OrdinalIgnoreCase) || p.Contains("atlas", StringComparison.OrdinalIgnoreCase))
            ? null
            : mapped.FirstOrDefault(p => p.Contains("/blas/libblas", StringComparison.Ordinal));

    /// <summary>Seconds the peer took to sample <paramref name="length"/> tokens per response.</summary>
    public double Sample(int length, bool cache, int seed) =>
        Request($$"""{"kind": "sample", "length": {{length}}, "cache": {{(cache ? "true" : "false")}}, "seed": {{seed}}}""");

    /// <summary>Seconds the peer took for one learner step.</summary>
    public double LearnerStep() => Request("""{"kind": "learner"}""");

    /// <summary>The peer's log-probs of the response tokens of <paramref name="batch"/>, row after row (not timed).</summary>
    public double[] ResponseLogProbs(IReadOnlyList<ScoringSequence> batch)
    {
        var request = JsonSerializer.Serialize(new { kind = "check", tokens = batch.Select(s => s.Prompt.Concat(s.Response)) });
        using var answer = Exchange(request);
        return answer.RootElement.GetProperty("log_probs").EnumerateArray().SelectMany(row => row.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
    }

    private double Request(string request)
    {
        using var answer = Exchange(request);
        return answer.RootElement.GetProperty("seconds").GetDouble();
    }

    private JsonDocument Exchange(string request)
    {
        _process.StandardInput.WriteLine(request);
        _process.StandardInput.Flush();
        return JsonDocument.Parse(ReadLine());
    }

    private string ReadLine()
    {
        var line = _process.StandardOutput.ReadLine();
        if (line is not null) return line;
        _process.WaitForExit();
        string error;
        lock (_stderr) error = _stderr.ToString().Trim();
        throw new PeerUnavailableException(error.Contains("No module named 'torch'", StringComparison.Ordinal)
            ? "the Python interpreter has no torch module (install python3-torch; bench/run-model-bench.sh does)"
            : $"the PyTorch peer exited ({_process.ExitCode}): {error[Math.Max(0, error.Length - 600)..]}");
    }

    private static string ExtractEmbeddedScript()
    {
        using var resource = typeof(PyTorchPeer).Assembly.GetManifestResourceStream("ActorRL.Benchmarks.Model.pytorch_peer.py")
                             ?? throw new PeerUnavailableException("the PyTorch peer script is not embedded in this build");
        var path = Path.Combine(Path.GetTempPath(), $"actorrl-pytorch-peer-{Environment.ProcessId}.py");
        using var file = File.Create(path);
        resource.CopyTo(file);
        return path;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close(); // end of requests: the script's loop ends
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) _process.Kill();
        }
        _process.Dispose();
    }
}

/// <summary>The PyTorch peer cannot run here (no interpreter, no torch, or it failed); the message says which.</summary>
internal sealed class PeerUnavailableException(string message) : Exception(message);
