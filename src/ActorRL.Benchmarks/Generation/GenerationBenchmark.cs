using System.Diagnostics;
using System.Globalization;
using ActorRL.Benchmarks.Model;
using ActorRL.Model.Policies;
using ActorRL.Model.Policies.Batching;
using static TorchSharp.torch;

namespace ActorRL.Benchmarks.Generation;

/// <param name="Prompts">Prompts of the workload, each sampled G times.</param>
/// <param name="GroupSize">G.</param>
/// <param name="MaxSequences">Sequences decoding at once, for both batching modes (a static batch is MaxSequences / G prompts).</param>
/// <param name="MaxTokens">Response length cap; lengths are drawn long-tailed below it (<see cref="LongTailedLengths"/>).</param>
/// <param name="PromptLength">Tokens per prompt.</param>
/// <param name="Rounds">Timed rounds of each mode, alternating which goes first; the median is reported.</param>
/// <param name="Peer">Also time the PyTorch peer's static-batch decode of the same batches (TinyGpt and built-in Qwen3 only).</param>
public sealed record GenerationBenchmarkOptions(int Prompts = 64, int GroupSize = 8, int MaxSequences = 64, int MaxTokens = 256, int PromptLength = 16,
    bool Peer = true, int Threads = 0, string Python = "/usr/bin/python3", int Rounds = 3);

/// <summary>One model to measure: a name, what it is, and the policy (built on the benchmark thread).</summary>
public sealed record GenerationBenchmarkModel(string Name, string Description, Func<IPolicy> CreatePolicy)
{
    /// <summary>The peer of the same network holding the same weights, sampling <c>rows</c> rows; null: no peer for this model.</summary>
    internal Func<IPolicy, GenerationBenchmarkOptions, PyTorchPeer>? StartPeer { get; init; }

    /// <summary>The model benchmark's TinyGpt (the main job's size) or Qwen3 of the same width, with the PyTorch peer.</summary>
    public static GenerationBenchmarkModel BuiltIn(ModelBenchmarkArchitecture architecture, GenerationBenchmarkOptions o)
    {
        var sizes = new ModelBenchmarkOptions(PromptLength: o.PromptLength, SamplingRows: o.MaxSequences, Threads: o.Threads, Python: o.Python);
        var @case = ModelBenchmarkCase.For(architecture, sizes, o.PromptLength + o.MaxTokens);
        return new GenerationBenchmarkModel(@case.Name, @case.Description, () => new CausalLmPolicy(@case.CreateModel(), new OpaqueTokenizer(sizes.Vocabulary)))
        {
            StartPeer = (policy, _) =>
            {
                var weights = Path.Combine(Path.GetTempPath(), $"actorrl-bench-generation-{Environment.ProcessId}.safetensors");
                using (var exported = policy.ExportWeights()) ActorRL.Model.SafeTensors.SafeTensorsWriter.Write(weights, exported.Tensors);
                return PyTorchPeer.Start(sizes, @case, o.PromptLength + o.MaxTokens, weights);
            },
        };
    }
}

/// <summary>
/// <c>actorrl bench generation</c>: tokens per second and slot utilisation of the generators' decode loop, static
/// batching against continuous batching, on the same long-tailed workload in one run, through the engine's own
/// <see cref="IContinuousBatch"/> (static = refilled only once drained, as with generation.batching = static).
/// </summary>
public static class GenerationBenchmark
{
    public static void Run(TextWriter output, IReadOnlyList<GenerationBenchmarkModel> models, GenerationBenchmarkOptions o, ModelBenchmarkOptions? peerSizes = null)
    {
        if (o.Threads > 0) set_num_threads(o.Threads);
        var lengths = LongTailedLengths.Draw(o.Prompts * o.GroupSize, o.MaxTokens, seed: 7);
        var sorted = lengths.Order().ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench generation: {o.Prompts} prompts × G {o.GroupSize} = {lengths.Length} responses, {o.PromptLength}-token prompts, lengths long-tailed in [1, {o.MaxTokens}] " +
            $"(median {sorted[sorted.Length / 2]}, p90 {sorted[sorted.Length * 9 / 10]}, max {sorted[^1]}, {lengths.Sum():N0} tokens), " +
            $"{o.MaxSequences} sequences at once, {get_num_threads()} torch threads, median of {o.Rounds} alternating rounds"));
        output.WriteLine($"{"model",-8} {"batching",-22} {"tokens/s",10} {"slot use",9} {"seconds",8} {"× static",9}");
        foreach (var model in models)
        {
            using var policy = model.CreatePolicy();
            output.WriteLine($"# {model.Name}: {model.Description}");
            var prompts = Prompts(o, policy.Tokenizer.VocabularySize);
            // Untimed warm-up of both paths (allocator, kernels).
            Measure(policy, o, prompts[..Math.Min(prompts.Length, 2 * o.MaxSequences / o.GroupSize)], lengths, continuous: true);
            // Rounds alternate which mode goes first, and each mode reports its median round: on a shared machine the
            // speed drifts over a minute, and a fixed order would hand the drift to one side.
            var rounds = new List<(Result Static, Result Continuous)>();
            for (var r = 0; r < o.Rounds; r++)
            {
                if (r % 2 == 0)
                {
                    var first = Measure(policy, o, prompts, lengths, continuous: false);
                    rounds.Add((first, Measure(policy, o, prompts, lengths, continuous: true)));
                }
                else
                {
                    var first = Measure(policy, o, prompts, lengths, continuous: true);
                    rounds.Add((Measure(policy, o, prompts, lengths, continuous: false), first));
                }
            }
            var @static = rounds.Select(x => x.Static).OrderBy(x => x.Seconds).ElementAt(rounds.Count / 2);
            var continuous = rounds.Select(x => x.Continuous).OrderBy(x => x.Seconds).ElementAt(rounds.Count / 2);
            Row(output, model.Name, "static", @static, @static);
            Row(output, model.Name, "continuous", continuous, @static);
            if (o.Peer && model.StartPeer is not null) PeerRow(output, model, policy, o, lengths, @static);
        }
    }

    private sealed record Result(double Seconds, long Tokens, double Utilisation)
    {
        public double TokensPerSecond => Tokens / Seconds;
    }

    private static IReadOnlyList<int>[] Prompts(GenerationBenchmarkOptions o, int vocabulary)
    {
        var random = new Random(3);
        return Enumerable.Range(0, o.Prompts).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, o.PromptLength).Select(_ => random.Next(3, vocabulary)).ToArray()).ToArray();
    }

    private static Result Measure(IPolicy policy, GenerationBenchmarkOptions o, IReadOnlyList<int>[] prompts, int[] lengths, bool continuous)
    {
        var options = new ContinuousBatchOptions(new SamplingFilters(), o.MaxTokens, o.GroupSize, o.MaxSequences,
            KvBudgetTokens: ContinuousBatchOptions.UnboundedBudget(o.MaxSequences, o.PromptLength + o.MaxTokens), IgnoreEos: true);
        using var batch = policy.BeginContinuousBatch(options);
        var next = 0;
        long tokens = 0;
        var perBatch = o.MaxSequences / o.GroupSize;
        var watch = Stopwatch.StartNew();
        while (next < prompts.Length || !batch.IsIdle)
        {
            // Static: a new batch only once the last one drained. Continuous: whenever there is room.
            var room = continuous ? batch.Room : batch.IsIdle ? perBatch : 0;
            for (; room > 0 && next < prompts.Length; room--, next++)
                batch.Add(next, prompts[next], next, lengths.AsSpan(next * o.GroupSize, o.GroupSize).ToArray());
            tokens += batch.Step();
            batch.TakeFinished();
        }
        var seconds = watch.Elapsed.TotalSeconds;
        var (steps, rows) = batch.Work;
        return new Result(seconds, tokens, rows / ((double)steps * o.MaxSequences));
    }

    private static void Row(TextWriter output, string model, string batching, Result r, Result baseline) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model,-8} {batching,-22} {r.TokensPerSecond,10:N0} {r.Utilisation,8:P0} {r.Seconds,8:F1} {baseline.Seconds / r.Seconds,8:F2}×"));

    /// <summary>The peer decodes each static batch for as long as its longest response (what a static batch costs), rows = MaxSequences.</summary>
    private static void PeerRow(TextWriter output, GenerationBenchmarkModel model, IPolicy policy, GenerationBenchmarkOptions o, int[] lengths, Result baseline)
    {
        PyTorchPeer peer;
        try
        {
            peer = model.StartPeer!(policy, o);
        }
        catch (PeerUnavailableException e)
        {
            output.WriteLine($"{model.Name,-8} {"PyTorch static (peer)",-22} not measured: {e.Message}");
            return;
        }
        using var _ = peer;
        var perBatch = o.MaxSequences / o.GroupSize * o.GroupSize;
        peer.Sample(8, cache: true, seed: 0); // warm-up
        var seconds = 0.0;
        for (var start = 0; start < lengths.Length; start += perBatch)
            seconds += peer.Sample(lengths.Skip(start).Take(perBatch).Max(), cache: true, seed: start);
        var result = new Result(seconds, lengths.Sum(), double.NaN);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model.Name,-8} {"PyTorch static (peer)",-22} {result.TokensPerSecond,10:N0} {"",9} {seconds,8:F1} {baseline.Seconds / seconds,8:F2}×"));
    }
}
