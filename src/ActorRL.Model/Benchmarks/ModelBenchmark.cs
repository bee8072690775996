using System.Globalization;
using TorchSharp;

namespace ActorRL.Model.Benchmarks;

/// <summary>
/// `actorrl bench model`: sampling throughput with the KV cache vs recomputing the sequence at every step, and the
/// learner step time (score + backward + AdamW), for TinyGpt and for the same network written in PyTorch
/// (bench/pytorch_peer.py), same sizes and thread count, in one invocation. The two sides take turns run by run,
/// so background load on a shared machine hits both alike. Prints ratios ActorRL / PyTorch of wall time (below 1 =
/// ActorRL is faster) for the best run of each side, and the ratio of medians.
/// </summary>
public static class ModelBenchmark
{
    /// <summary>
    /// Runs the benchmark on a dedicated thread, writing a Markdown report to <paramref name="output"/>. Returns 0, or 1
    /// when the peer could not run. One thread on purpose: libtorch's OpenMP keeps a team of worker threads per calling
    /// thread, so model work that hops between threads (as <c>await</c> continuations do) starts extra teams whose idle
    /// workers spin on the same cores — measured here as a 2–4× slower decode.
    /// </summary>
    public static Task<int> RunAsync(TextWriter output, ModelBenchmarkOptions? options = null, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(Run(output, options ?? new ModelBenchmarkOptions(), cancellationToken));
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "model-benchmark",
        };
        thread.Start();
        return completion.Task;
    }

    private static int Run(TextWriter output, ModelBenchmarkOptions options, CancellationToken cancellationToken)
    {
        if (options.Lengths.Count != options.RecomputeRuns.Count)
            throw new ArgumentException("give one recompute repetition count per response length");
        torch.set_num_threads(options.ThreadCount);
        var maxLength = Math.Max(options.Lengths.Max(), options.LearnerResponseLength) + options.PromptLength;
        output.WriteLine(
            $"TinyGpt d-model {options.DModel}, {options.Layers} layers, {options.Heads} heads, vocabulary {options.Vocabulary}; " +
            $"{options.ThreadCount} threads; sampling {options.SamplingRows} responses to one {options.PromptLength}-token prompt; " +
            $"learner batch {options.LearnerRows} × {options.LearnerResponseLength} tokens");

        var loadBefore = LoadAverage();
        using var ours = new TinyGptWorkload(options, maxLength);
        PyTorchPeer? peer = null;
        string? peerProblem = null;
        if (!options.SkipPeer)
        {
            try
            {
                peer = PyTorchPeer.Start(options, maxLength);
            }
            catch (PeerUnavailableException e)
            {
                peerProblem = e.Message;
            }
        }

        try
        {
            var measurements = new List<Measurement>();
            // Warm-up (allocator, OpenMP pools, first-call paths) on both sides, not timed.
            ours.Sample(8, true, 0);
            ours.Sample(8, false, 0);
            ours.LearnerStep();
            peer?.Sample(8, true, 0);
            peer?.Sample(8, false, 0);
            peer?.LearnerStep();

            for (var i = 0; i < options.Lengths.Count; i++)
            {
                var length = options.Lengths[i];
                foreach (var (cache, runs) in new[] { (true, options.CacheRepetitions), (false, options.RecomputeRuns[i]) })
                {
                    var m = new Measurement($"sampling {length} tokens, {(cache ? "KV cache" : "full recompute")}", (double)options.SamplingRows * length);
                    for (var rep = 0; rep < runs; rep++)
                    {
                        Settle(options, cancellationToken);
                        m.Ours.Add(ours.Sample(length, cache, rep));
                        if (peer is null) continue;
                        Settle(options, cancellationToken);
                        m.Peer.Add(peer.Sample(length, cache, rep));
                    }
                    measurements.Add(m);
                }
            }
            var learner = new Measurement($"learner step {options.LearnerRows} × {options.LearnerResponseLength}", 0);
            for (var step = 0; step < options.LearnerSteps; step++)
            {
                Settle(options, cancellationToken);
                learner.Ours.Add(ours.LearnerStep());
                if (peer is null) continue;
                Settle(options, cancellationToken);
                learner.Peer.Add(peer.LearnerStep());
            }
            measurements.Add(learner);
            Report(output, options, ours.Info, peer?.Info, measurements);
            output.WriteLine($"1-minute load average before / after: {loadBefore} / {LoadAverage()} (on a shared machine, other work inflates both sides)");
        }
        catch (PeerUnavailableException e)
        {
            peerProblem = e.Message;
        }
        finally
        {
            peer?.Dispose();
        }
        if (peerProblem is not null) output.WriteLine($"PyTorch peer not measured: {peerProblem}");
        return peerProblem is null ? 0 : 1;
    }

    /// <summary>Timings of one workload; <see cref="Tokens"/> &gt; 0 makes it a throughput (tokens/s) row.</summary>
    private sealed record Measurement(string Name, double Tokens)
    {
        public List<double> Ours { get; } = [];
        public List<double> Peer { get; } = [];
    }

    private static void Report(TextWriter output, ModelBenchmarkOptions o, string oursInfo, string? peerInfo, IReadOnlyList<Measurement> measurements)
    {
        static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        output.WriteLine($"ActorRL: {oursInfo}" + (peerInfo is null ? "" : $"; peer: {peerInfo}"));
        output.WriteLine();
        // Best of N is the least disturbed run (background load only ever adds time); the median ratio is shown too.
        output.WriteLine("| measurement (best of N) | runs | ActorRL | PyTorch | ActorRL / PyTorch time, best | … median |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var m in measurements)
        {
            var ours = m.Ours.Min();
            var peer = m.Peer.Count > 0 ? m.Peer.Min() : double.NaN;
            string Show(double seconds) => double.IsNaN(seconds) ? "–"
                : m.Tokens > 0 ? $"{F(m.Tokens / seconds, "F0")} tok/s" : $"{F(seconds * 1000, "F1")} ms";
            var best = double.IsNaN(peer) ? "–" : F(ours / peer, "F2");
            var median = double.IsNaN(peer) ? "–" : F(Median(m.Ours) / Median(m.Peer), "F2");
            output.WriteLine($"| {m.Name} | {m.Ours.Count} | {Show(ours)} | {Show(peer)} | {best} | {median} |");
        }
        output.WriteLine();
        foreach (var length in o.Lengths)
        {
            var cached = measurements.Single(m => m.Name == $"sampling {length} tokens, KV cache");
            var recomputed = measurements.Single(m => m.Name == $"sampling {length} tokens, full recompute");
            var line = $"KV cache speed-up over full recompute at {length} tokens: ActorRL {F(recomputed.Ours.Min() / cached.Ours.Min(), "F1")}×";
            if (cached.Peer.Count > 0 && recomputed.Peer.Count > 0)
                line += $", PyTorch {F(recomputed.Peer.Min() / cached.Peer.Min(), "F1")}×";
            output.WriteLine(line);
        }
    }

    /// <summary>
    /// Idle pause before each timed run: after a run, the finished side's OpenMP and OpenBLAS worker threads keep
    /// spinning for a while (OpenBLAS: about 2^28 cycles) and would steal the cores from the other side's run.
    /// </summary>
    private static void Settle(ModelBenchmarkOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Thread.Sleep(options.SettleMilliseconds);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
