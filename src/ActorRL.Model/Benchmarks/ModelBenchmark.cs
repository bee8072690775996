using System.Globalization;
using TorchSharp;

namespace ActorRL.Model.Benchmarks;

/// <summary>
/// `actorrl bench model`: sampling throughput with the KV cache vs recomputing the sequence at every step, and the
/// learner step time (score + backward + AdamW), for TinyGpt and for the same network written in PyTorch
/// (bench/pytorch_peer.py), same sizes and thread count, in one invocation. The two sides take turns run by run,
/// so background load on a shared machine hits both alike. Prints ratios ActorRL / PyTorch of wall time (below 1 =
/// ActorRL is faster) and the medians of each side.
/// </summary>
public static class ModelBenchmark
{
    /// <summary>Runs the benchmark, writing a Markdown report to <paramref name="output"/>. Returns 0, or 1 when the peer could not run.</summary>
    public static async Task<int> RunAsync(TextWriter output, ModelBenchmarkOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ModelBenchmarkOptions();
        if (options.Lengths.Count != options.RecomputeRuns.Count)
            throw new ArgumentException("give one recompute repetition count per response length");
        torch.set_num_threads(options.ThreadCount);
        var maxLength = Math.Max(options.Lengths.Max(), options.LearnerResponseLength) + options.PromptLength;
        await output.WriteLineAsync(
            $"TinyGpt d-model {options.DModel}, {options.Layers} layers, {options.Heads} heads, vocabulary {options.Vocabulary}; " +
            $"{options.ThreadCount} threads; sampling {options.SamplingRows} responses to one {options.PromptLength}-token prompt; " +
            $"learner batch {options.LearnerRows} × {options.LearnerResponseLength} tokens");

        using var ours = new TinyGptWorkload(options, maxLength);
        PyTorchPeer? peer = null;
        string? peerProblem = null;
        if (!options.SkipPeer)
        {
            try
            {
                peer = await PyTorchPeer.StartAsync(options, maxLength, cancellationToken);
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
            if (peer is not null)
            {
                await peer.SampleAsync(8, true, 0, cancellationToken);
                await peer.SampleAsync(8, false, 0, cancellationToken);
                await peer.LearnerStepAsync(cancellationToken);
            }

            for (var i = 0; i < options.Lengths.Count; i++)
            {
                var length = options.Lengths[i];
                foreach (var (cache, runs) in new[] { (true, options.CacheRepetitions), (false, options.RecomputeRuns[i]) })
                {
                    var m = new Measurement($"sampling {length} tokens, {(cache ? "KV cache" : "full recompute")}", (double)options.SamplingRows * length);
                    for (var rep = 0; rep < runs; rep++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        m.Ours.Add(ours.Sample(length, cache, rep));
                        if (peer is not null) m.Peer.Add(await peer.SampleAsync(length, cache, rep, cancellationToken));
                    }
                    measurements.Add(m);
                }
            }
            var learner = new Measurement($"learner step {options.LearnerRows} × {options.LearnerResponseLength}", 0);
            for (var step = 0; step < options.LearnerSteps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                learner.Ours.Add(ours.LearnerStep());
                if (peer is not null) learner.Peer.Add(await peer.LearnerStepAsync(cancellationToken));
            }
            measurements.Add(learner);
            Report(output, options, ours.Info, peer?.Info, measurements);
        }
        catch (PeerUnavailableException e)
        {
            peerProblem = e.Message;
        }
        finally
        {
            if (peer is not null) await peer.DisposeAsync();
        }
        if (peerProblem is not null) await output.WriteLineAsync($"PyTorch peer not measured: {peerProblem}");
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
        output.WriteLine("| measurement | ActorRL | PyTorch | ActorRL / PyTorch (time) |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var m in measurements)
        {
            var ours = Median(m.Ours);
            var peer = m.Peer.Count > 0 ? Median(m.Peer) : double.NaN;
            string Show(double seconds) => double.IsNaN(seconds) ? "–"
                : m.Tokens > 0 ? $"{F(m.Tokens / seconds, "F0")} tok/s" : $"{F(seconds * 1000, "F1")} ms";
            var ratio = double.IsNaN(peer) ? "–" : F(ours / peer, "F2");
            output.WriteLine($"| {m.Name} | {Show(ours)} | {Show(peer)} | {ratio} |");
        }
        output.WriteLine();
        foreach (var length in o.Lengths)
        {
            var cached = measurements.Single(m => m.Name == $"sampling {length} tokens, KV cache");
            var recomputed = measurements.Single(m => m.Name == $"sampling {length} tokens, full recompute");
            var line = $"KV cache speed-up over full recompute at {length} tokens: ActorRL {F(Median(recomputed.Ours) / Median(cached.Ours), "F1")}×";
            if (cached.Peer.Count > 0 && recomputed.Peer.Count > 0)
                line += $", PyTorch {F(Median(recomputed.Peer) / Median(cached.Peer), "F1")}×";
            output.WriteLine(line);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
