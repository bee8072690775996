using TorchSharp;

namespace ActorRL.Benchmarks.Model;

/// <summary>
/// The model benchmark: sampling throughput with the KV cache vs recomputing the sequence at every step, and the
/// learner step time (score + backward + AdamW), for TinyGpt and Qwen3 and for the same networks written in PyTorch
/// (bench/pytorch_peer.py), same sizes, weights and thread count, in one invocation. The two sides take turns run by run,
/// so background load on a shared machine hits both alike. Prints ratios ActorRL / PyTorch of wall time (below 1 =
/// ActorRL is faster) for the best run of each side, and the ratio of medians.
/// </summary>
public static class ModelBenchmark
{
    /// <summary>
    /// Runs the benchmark on a dedicated thread, writing a Markdown report to <paramref name="output"/>. Returns 0, or 1
    /// when the peer could not run or computed other log-probs than ours from the same weights. One thread on purpose: libtorch's OpenMP keeps a team of worker threads per calling
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
            $"{options.ThreadCount} threads; sampling {options.SamplingRows} responses to one {options.PromptLength}-token prompt; " +
            $"learner batch {options.LearnerRows} × {options.LearnerResponseLength} tokens");

        var loadBefore = LoadAverage();
        var results = options.Cases
            .Select(architecture => RunCase(output, options, ModelBenchmarkCase.For(architecture, options, maxLength), maxLength, cancellationToken))
            .ToList();
        ModelBenchmarkReport.SideBySide(output, options, results);
        output.WriteLine($"1-minute load average before / after: {loadBefore} / {LoadAverage()} (on a shared machine, other work inflates both sides)");
        foreach (var problem in results.Where(r => r.PeerProblem is not null).GroupBy(r => r.PeerProblem))
            output.WriteLine($"PyTorch peer not measured ({string.Join(", ", problem.Select(r => r.Case.Name))}): {problem.Key}");
        foreach (var result in results.Where(r => !r.SameFunction))
            output.WriteLine($"{result.Case.Name}: ActorRL and the peer give different log-probs from the same weights, so its ratios compare different networks");
        return results.All(r => r.PeerProblem is null && r.SameFunction) ? 0 : 1;
    }

    /// <summary>
    /// One architecture on both sides: the peer starts from our initial weights, both score the same sequences
    /// (the check that the two sides compute the same function), then the timed runs take turns, ours first.
    /// </summary>
    private static ModelBenchmarkCaseResult RunCase(TextWriter output, ModelBenchmarkOptions options, ModelBenchmarkCase @case, int maxLength,
        CancellationToken cancellationToken)
    {
        using var ours = new PolicyWorkload(options, @case.CreateModel());
        PyTorchPeer? peer = null;
        string? peerProblem = null;
        double? logProbGap = null;
        List<Measurement>? measurements = null;
        try
        {
            if (!options.SkipPeer) (peer, logProbGap) = StartPeer(options, @case, maxLength, ours);
        }
        catch (PeerUnavailableException e)
        {
            peerProblem = e.Message;
        }

        try
        {
            measurements = Measure(options, ours, peer, cancellationToken);
        }
        catch (PeerUnavailableException e)
        {
            peerProblem = e.Message;
        }
        finally
        {
            peer?.Dispose();
        }
        var result = new ModelBenchmarkCaseResult(@case, ours.Info, peer?.Info, logProbGap, measurements, peerProblem);
        ModelBenchmarkReport.Case(output, options, result);
        return result;
    }

    /// <summary>Starts the peer on our weights and returns it with the largest log-prob difference of the two sides.</summary>
    private static (PyTorchPeer Peer, double LogProbGap) StartPeer(ModelBenchmarkOptions options, ModelBenchmarkCase @case, int maxLength, PolicyWorkload ours)
    {
        var weights = Path.Combine(Path.GetTempPath(), $"actorrl-bench-{@case.Name}-{Environment.ProcessId}.safetensors");
        PyTorchPeer peer;
        try
        {
            ours.WriteWeights(weights);
            peer = PyTorchPeer.Start(options, @case, maxLength, weights);
        }
        finally
        {
            File.Delete(weights); // read once, at the peer's start
        }
        try
        {
            var batch = ours.CheckBatch(ModelBenchmarkCaseResult.CheckRows);
            var (a, b) = (ours.ResponseLogProbs(batch), peer.ResponseLogProbs(batch));
            if (a.Length != b.Length) throw new PeerUnavailableException($"the peer scored {b.Length} tokens, we scored {a.Length}");
            return (peer, a.Zip(b, (x, y) => Math.Abs(x - y)).Max());
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <summary>Warm-up, then every timed run: ours, then the peer's, one settle pause before each.</summary>
    private static List<Measurement> Measure(ModelBenchmarkOptions options, PolicyWorkload ours, PyTorchPeer? peer, CancellationToken cancellationToken)
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
                var m = new Measurement(Measurement.SamplingName(length, cache), (double)options.SamplingRows * length);
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
        var learner = new Measurement(Measurement.LearnerName(options), 0);
        for (var step = 0; step < options.LearnerSteps; step++)
        {
            Settle(options, cancellationToken);
            learner.Ours.Add(ours.LearnerStep());
            if (peer is null) continue;
            Settle(options, cancellationToken);
            learner.Peer.Add(peer.LearnerStep());
        }
        measurements.Add(learner);
        return measurements;
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
}
