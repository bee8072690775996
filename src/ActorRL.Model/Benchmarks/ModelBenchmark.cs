using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorRL.Model.Policies;
using ActorRL.Model.Tokenizers;
using ActorRL.Model.TinyGpt;
using ActorRL.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Model.Benchmarks;

/// <summary>
/// `actorrl bench model`: sampling throughput with the KV cache vs recomputing the sequence at every step, and the
/// learner step time (score + backward + AdamW), for TinyGpt and for the same network written in PyTorch
/// (bench/pytorch_peer.py), same sizes and thread count, in one invocation. Prints ratios ActorRL / PyTorch of
/// wall time (below 1 = we are faster).
/// </summary>
public static class ModelBenchmark
{
    /// <summary>Runs the benchmark and writes the report to <paramref name="output"/>. Returns 0 on success, 1 on failure.</summary>
    public static async Task<int> RunAsync(TextWriter output, ModelBenchmarkOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ModelBenchmarkOptions();
        if (options.Lengths.Count != options.RecomputeRuns.Count)
            throw new ArgumentException("give one recompute repetition count per response length");
        var threads = options.ThreadCount;
        torch.set_num_threads(threads);
        await output.WriteLineAsync(
            $"TinyGpt d-model {options.DModel}, {options.Layers} layers, {options.Heads} heads, vocabulary {options.Vocabulary}; " +
            $"{threads} threads; sampling {options.SamplingRows} responses to one {options.PromptLength}-token prompt; " +
            $"learner batch {options.LearnerRows} × {options.LearnerResponseLength} tokens");

        // The peer runs in its own process at the same time as nothing else: start it after our measurements so the
        // two never compete for the cores.
        var ours = MeasureActorRl(options, cancellationToken);
        PeerResults? peer = null;
        string? peerProblem = null;
        if (!options.SkipPeer)
        {
            try
            {
                peer = await RunPeerAsync(options, cancellationToken);
            }
            catch (PeerUnavailableException e)
            {
                peerProblem = e.Message;
            }
        }
        Report(output, options, ours, peer, peerProblem);
        return peerProblem is null || options.SkipPeer ? 0 : 1;
    }

    private sealed record Results(Dictionary<(int Length, bool Cache), double> SamplingSeconds, double LearnerSeconds, string Info);

    private sealed record PeerResults(Dictionary<(int Length, bool Cache), double> SamplingSeconds, double LearnerSeconds, string Info);

    private sealed class PeerUnavailableException(string message) : Exception(message);

    private static Results MeasureActorRl(ModelBenchmarkOptions o, CancellationToken cancellationToken)
    {
        var maxLength = Math.Max(o.Lengths.Max(), o.LearnerResponseLength) + o.PromptLength;
        var tokenizer = new FixedVocabularyTokenizer(o.Vocabulary);
        var config = new TinyGptConfig(o.Vocabulary, o.DModel, o.Layers, o.Heads, maxLength);
        using var policy = new CausalLmPolicy(new TinyGptModel(config, seed: 0), tokenizer);
        var random = new Random(0);
        IReadOnlyList<int> prompt = Enumerable.Range(0, o.PromptLength).Select(_ => random.Next(3, o.Vocabulary)).ToArray();

        SamplingRequest Request(int length, bool cache, int seed) =>
            new([prompt], o.SamplingRows, Temperature: 1.0, MaxNewTokens: length, Seed: seed, UseKvCache: cache, IgnoreEos: true);

        policy.Sample(Request(8, true, 0)); // warm-up
        policy.Sample(Request(8, false, 0));
        var sampling = new Dictionary<(int, bool), double>();
        for (var i = 0; i < o.Lengths.Count; i++)
        {
            foreach (var (cache, runs) in new[] { (true, o.CacheRepetitions), (false, o.RecomputeRuns[i]) })
            {
                var seconds = new List<double>();
                for (var rep = 0; rep < runs; rep++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var watch = Stopwatch.StartNew();
                    var responses = policy.Sample(Request(o.Lengths[i], cache, rep));
                    seconds.Add(watch.Elapsed.TotalSeconds);
                    if (responses.Any(r => r.Length != o.Lengths[i])) throw new InvalidOperationException("benchmark responses must have the requested length");
                }
                sampling[(o.Lengths[i], cache)] = Median(seconds);
            }
        }

        using var optimizer = new AdamW(policy.NamedParameters(), 0.9, 0.99, 1e-8, 0.01);
        var batch = Enumerable.Range(0, o.LearnerRows).Select(_ => new ScoringSequence(
            Enumerable.Range(0, o.PromptLength).Select(_ => random.Next(3, o.Vocabulary)).ToArray(),
            Enumerable.Range(0, o.LearnerResponseLength).Select(_ => random.Next(3, o.Vocabulary)).ToArray())).ToList();
        var advantages = Enumerable.Range(0, o.LearnerRows).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        LearnerStep(policy, optimizer, batch, advantages); // warm-up
        var learner = new List<double>();
        for (var step = 0; step < o.LearnerSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            LearnerStep(policy, optimizer, batch, advantages);
            learner.Add(watch.Elapsed.TotalSeconds);
        }
        var parameters = policy.NamedParameters().Sum(p => p.Parameter.numel());
        return new Results(sampling, Median(learner), $"TorchSharp {typeof(torch).Assembly.GetName().Version}, {parameters:N0} parameters");
    }

    /// <summary>What the pipeline's learner does per update: score, clipped surrogate (PPO/GRPO), backward, clip, AdamW.</summary>
    private static void LearnerStep(IPolicy policy, AdamW optimizer, IReadOnlyList<ScoringSequence> batch, float[] advantages)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var scored = policy.Score(batch);
        var advantage = tensor(advantages).view(-1, 1);
        var ratio = (scored.LogProbs - scored.LogProbs.detach()).exp();
        var surrogate = minimum(ratio * advantage, ratio.clamp(0.8, 1.28) * advantage);
        var loss = -(surrogate * scored.Mask).sum() / scored.Mask.sum();
        loss.backward();
        optimizer.ClipGradientNorm(1.0);
        optimizer.Step(1e-4);
        _ = loss.item<float>() + scored.Entropies!.detach().mean().item<float>();
    }

    private static async Task<PeerResults> RunPeerAsync(ModelBenchmarkOptions o, CancellationToken cancellationToken)
    {
        if (!File.Exists(o.Python)) throw new PeerUnavailableException($"{o.Python} not found (install Debian's python3-torch: bench/run-model-bench.sh does)");
        var script = o.PeerScript ?? ExtractEmbeddedPeer();
        var info = new ProcessStartInfo(o.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     script, "--vocab", $"{o.Vocabulary}", "--d-model", $"{o.DModel}", "--layers", $"{o.Layers}", "--heads", $"{o.Heads}",
                     "--threads", $"{o.ThreadCount}", "--prompt", $"{o.PromptLength}", "--rows", $"{o.SamplingRows}",
                     "--lengths", string.Join(",", o.Lengths), "--cache-reps", $"{o.CacheRepetitions}",
                     "--recompute-reps", string.Join(",", o.RecomputeRuns), "--learner-rows", $"{o.LearnerRows}",
                     "--learner-response", $"{o.LearnerResponseLength}", "--learner-steps", $"{o.LearnerSteps}",
                 })
            info.ArgumentList.Add(argument);
        // Same thread count for every BLAS/OpenMP layer the peer might use.
        info.Environment["OMP_NUM_THREADS"] = $"{o.ThreadCount}";
        info.Environment["OPENBLAS_NUM_THREADS"] = $"{o.ThreadCount}";
        using var process = Process.Start(info) ?? throw new PeerUnavailableException($"could not start {o.Python}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var error = (await stderr).Trim();
            throw new PeerUnavailableException(error.Contains("No module named 'torch'", StringComparison.Ordinal)
                ? $"{o.Python} has no torch module (install python3-torch: bench/run-model-bench.sh does)"
                : $"the PyTorch peer failed (exit {process.ExitCode}): {error[Math.Max(0, error.Length - 600)..]}");
        }

        var sampling = new Dictionary<(int, bool), double>();
        double? learner = null;
        var peerInfo = "";
        foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            switch (root.GetProperty("kind").GetString())
            {
                case "info":
                    peerInfo = $"PyTorch {root.GetProperty("torch").GetString()}, {root.GetProperty("parameters").GetInt64():N0} parameters";
                    break;
                case "sample":
                    sampling[(root.GetProperty("length").GetInt32(), root.GetProperty("cache").GetBoolean())] = Median(Seconds(root));
                    break;
                case "learner":
                    learner = Median(Seconds(root));
                    break;
            }
        }
        return new PeerResults(sampling, learner ?? throw new PeerUnavailableException("the PyTorch peer reported no learner timing"), peerInfo);

        static List<double> Seconds(JsonElement e) => e.GetProperty("seconds").EnumerateArray().Select(s => s.GetDouble()).ToList();
    }

    private static string ExtractEmbeddedPeer()
    {
        using var resource = typeof(ModelBenchmark).Assembly.GetManifestResourceStream("ActorRL.Model.Benchmarks.pytorch_peer.py")
                             ?? throw new PeerUnavailableException("the PyTorch peer script is not embedded in this build");
        var path = Path.Combine(Path.GetTempPath(), $"actorrl-pytorch-peer-{Environment.ProcessId}.py");
        using (var file = File.Create(path)) resource.CopyTo(file);
        return path;
    }

    private static void Report(TextWriter output, ModelBenchmarkOptions o, Results ours, PeerResults? peer, string? peerProblem)
    {
        string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);
        output.WriteLine($"ActorRL: {ours.Info}" + (peer is null ? "" : $"; peer: {peer.Info}"));
        output.WriteLine();
        output.WriteLine("| measurement | ActorRL | PyTorch | ActorRL / PyTorch (time) |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var length in o.Lengths)
        {
            foreach (var cache in new[] { true, false })
            {
                var tokens = (double)o.SamplingRows * length;
                var mine = ours.SamplingSeconds[(length, cache)];
                var name = $"sampling {length} tokens, {(cache ? "KV cache" : "full recompute")} (tokens/s)";
                if (peer?.SamplingSeconds.TryGetValue((length, cache), out var theirs) == true)
                    output.WriteLine($"| {name} | {F(tokens / mine, "F0")} | {F(tokens / theirs, "F0")} | {F(mine / theirs, "F2")} |");
                else
                    output.WriteLine($"| {name} | {F(tokens / mine, "F0")} | – | – |");
            }
        }
        var learnerName = $"learner step {o.LearnerRows} × {o.LearnerResponseLength} (ms)";
        output.WriteLine(peer is null
            ? $"| {learnerName} | {F(ours.LearnerSeconds * 1000)} | – | – |"
            : $"| {learnerName} | {F(ours.LearnerSeconds * 1000)} | {F(peer.LearnerSeconds * 1000)} | {F(ours.LearnerSeconds / peer.LearnerSeconds, "F2")} |");
        output.WriteLine();
        foreach (var length in o.Lengths)
        {
            var speedUp = ours.SamplingSeconds[(length, false)] / ours.SamplingSeconds[(length, true)];
            var line = $"KV cache speed-up over full recompute at {length} tokens: ActorRL {F(speedUp, "F1")}×";
            if (peer?.SamplingSeconds.TryGetValue((length, false), out var r) == true && peer.SamplingSeconds.TryGetValue((length, true), out var c))
                line += $", PyTorch {F(r / c, "F1")}×";
            output.WriteLine(line);
        }
        if (peerProblem is not null) output.WriteLine($"PyTorch peer not measured: {peerProblem}");
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>A vocabulary of opaque ids (the benchmark feeds random ids; text never matters).</summary>
    private sealed class FixedVocabularyTokenizer(int size) : ITokenizer
    {
        public int VocabularySize => size;
        public int PadId => 0;
        public int EosId => 2;
        public int? BosId => 1;
        public IReadOnlyList<int> Encode(string text) => throw new NotSupportedException("the benchmark tokenizer has no text form");
        public string Decode(IEnumerable<int> ids) => "";
        public string TokenText(int id) => "";
    }
}
