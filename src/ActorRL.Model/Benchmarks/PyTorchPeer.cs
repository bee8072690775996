using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ActorRL.Model.Benchmarks;

/// <summary>A bench/pytorch_peer.py process that times one workload per request line (see the script's protocol).</summary>
internal sealed class PyTorchPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private PyTorchPeer(Process process, string info)
    {
        _process = process;
        Info = info;
    }

    public string Info { get; }

    public static async Task<PyTorchPeer> StartAsync(ModelBenchmarkOptions o, int maxLength, CancellationToken cancellationToken)
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
                     "--learner-response", $"{o.LearnerResponseLength}",
                 })
            info.ArgumentList.Add(argument);
        // The same thread count for every OpenMP/BLAS layer the peer may use.
        info.Environment["OMP_NUM_THREADS"] = $"{o.ThreadCount}";
        info.Environment["OPENBLAS_NUM_THREADS"] = $"{o.ThreadCount}";
        var process = Process.Start(info) ?? throw new PeerUnavailableException($"could not start {o.Python}");
        var peer = new PyTorchPeer(process, "");
        process.ErrorDataReceived += (_, e) =>
        {
            lock (peer._stderr) peer._stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        using var hello = JsonDocument.Parse(await peer.ReadLineAsync(cancellationToken));
        var root = hello.RootElement;
        return new PyTorchPeer(process, $"PyTorch {root.GetProperty("torch").GetString()}, {root.GetProperty("parameters").GetInt64():N0} parameters");
    }

    /// <summary>Seconds the peer took to sample <paramref name="length"/> tokens per response.</summary>
    public Task<double> SampleAsync(int length, bool cache, int seed, CancellationToken cancellationToken) =>
        RequestAsync($$"""{"kind": "sample", "length": {{length}}, "cache": {{(cache ? "true" : "false")}}, "seed": {{seed}}}""", cancellationToken);

    /// <summary>Seconds the peer took for one learner step.</summary>
    public Task<double> LearnerStepAsync(CancellationToken cancellationToken) => RequestAsync("""{"kind": "learner"}""", cancellationToken);

    private async Task<double> RequestAsync(string request, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(request.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
        using var answer = JsonDocument.Parse(await ReadLineAsync(cancellationToken));
        return answer.RootElement.GetProperty("seconds").GetDouble();
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line is not null) return line;
        await _process.WaitForExitAsync(cancellationToken);
        string error;
        lock (_stderr) error = _stderr.ToString().Trim();
        throw new PeerUnavailableException(error.Contains("No module named 'torch'", StringComparison.Ordinal)
            ? "the Python interpreter has no torch module (install python3-torch; bench/run-model-bench.sh does)"
            : $"the PyTorch peer exited ({_process.ExitCode}): {error[Math.Max(0, error.Length - 600)..]}");
    }

    private static string ExtractEmbeddedScript()
    {
        using var resource = typeof(PyTorchPeer).Assembly.GetManifestResourceStream("ActorRL.Model.Benchmarks.pytorch_peer.py")
                             ?? throw new PeerUnavailableException("the PyTorch peer script is not embedded in this build");
        var path = Path.Combine(Path.GetTempPath(), $"actorrl-pytorch-peer-{Environment.ProcessId}.py");
        using var file = File.Create(path);
        resource.CopyTo(file);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close(); // end of requests: the script's loop ends
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }
}

/// <summary>The PyTorch peer cannot run here (no interpreter, no torch, or it failed); the message says which.</summary>
internal sealed class PeerUnavailableException(string message) : Exception(message);
