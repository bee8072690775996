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
/// <param name="Rounds">Timed rounds, each running every mode once in a rotating order; medians are reported.</param>
/// <param name="Peer">Also time the PyTorch peer's static-batch decode of the same batches (TinyGpt and built-in Qwen3 only).</param>
public sealed record GenerationBenchmarkOptions(int Prompts = 64, int GroupSize = 8, int MaxSequences = 64, int MaxTokens = 256, int PromptLength = 16,
    bool Peer = true, int Threads = 0, string Python = "/usr/bin/python3", int Rounds = 5);

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

/// <summary>How a benchmark round batches the workload.</summary>
public enum BatchingMode
{
    /// <summary>Classic static batching (Hugging Face generate, the PyTorch peer): a batch of MaxSequences rows decodes until
    /// its longest response ends, finished rows riding along as padding.</summary>
    StaticPadded,
    /// <summary>generation.batching = static: a batch is refilled only once drained, but finished rows leave the forward pass.</summary>
    Static,
    /// <summary>generation.batching = continuous: finished sequences' rows are refilled at the next step.</summary>
    Continuous,
}

/// <summary>
/// <c>actorrl bench generation</c>: tokens per second and slot utilisation of the generators' decode loop — classic
/// static batching, this engine's static batching, and continuous batching — on the same long-tailed workload in one
/// run, all through the engine's own <see cref="IContinuousBatch"/>.
/// </summary>
public static class GenerationBenchmark
{
    private static readonly BatchingMode[] Modes = Enum.GetValues<BatchingMode>();

    public static void Run(TextWriter output, IReadOnlyList<GenerationBenchmarkModel> models, GenerationBenchmarkOptions o)
    {
        if (o.Threads > 0) set_num_threads(o.Threads);
        var lengths = LongTailedLengths.Draw(o.Prompts * o.GroupSize, o.MaxTokens, seed: 7);
        var sorted = lengths.Order().ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench generation: {o.Prompts} prompts × G {o.GroupSize} = {lengths.Length} responses, {o.PromptLength}-token prompts, lengths long-tailed in [1, {o.MaxTokens}] " +
            $"(median {sorted[sorted.Length / 2]}, p90 {sorted[sorted.Length * 9 / 10]}, max {sorted[^1]}, {lengths.Sum():N0} tokens), " +
            $"{o.MaxSequences} sequences at once, {get_num_threads()} torch threads, {o.Rounds} rounds (modes in rotating order; " +
            $"seconds: each mode's median; ratios: the median of each round's own ratio, so drift in the machine's speed cancels)"));
        output.WriteLine($"{"model",-8} {"batching",-26} {"tokens/s",10} {"slot use",9} {"seconds",8} {"× padded",9} {"× static",9}");
        foreach (var model in models)
        {
            using var policy = model.CreatePolicy();
            output.WriteLine($"# {model.Name}: {model.Description}");
            var prompts = Prompts(o, policy.Tokenizer.VocabularySize);
            // Untimed warm-up of the paths (allocator, kernels, JIT).
            Measure(policy, o, prompts[..Math.Min(prompts.Length, 2 * o.MaxSequences / o.GroupSize)], lengths, BatchingMode.Continuous);
            Measure(policy, o, prompts[..Math.Min(prompts.Length, o.MaxSequences / o.GroupSize)], lengths, BatchingMode.Static);
            var rounds = new List<Dictionary<BatchingMode, Result>>();
            for (var r = 0; r < o.Rounds; r++)
            {
                var round = new Dictionary<BatchingMode, Result>();
                for (var m = 0; m < Modes.Length; m++)
                {
                    var mode = Modes[(m + r) % Modes.Length];
                    round[mode] = Measure(policy, o, prompts, lengths, mode);
                }
                rounds.Add(round);
            }
            foreach (var mode in Modes)
                Row(output, model.Name, Label(mode), rounds.Select(x => x[mode]).ToList(),
                    Statistics.Median(rounds.Select(x => x[BatchingMode.StaticPadded].Seconds / x[mode].Seconds)),
                    Statistics.Median(rounds.Select(x => x[BatchingMode.Static].Seconds / x[mode].Seconds)));
            if (o.Peer && model.StartPeer is not null)
                PeerRow(output, model, policy, o, lengths, Statistics.Median(rounds.Select(x => x[BatchingMode.StaticPadded].Seconds)), Statistics.Median(rounds.Select(x => x[BatchingMode.Static].Seconds)));
        }
    }

    private static string Label(BatchingMode mode) => mode switch
    {
        BatchingMode.StaticPadded => "static, padded (HF-style)",
        BatchingMode.Static => "static (ours)",
        _ => "continuous",
    };

    /// <summary>One timed pass over the workload: wall seconds, the workload's tokens, and rows decoded that were not padding / (steps × MaxSequences).</summary>
    internal sealed record Result(double Seconds, long Tokens, double Utilisation);

    private static IReadOnlyList<int>[] Prompts(GenerationBenchmarkOptions o, int vocabulary)
    {
        var random = new Random(3);
        return Enumerable.Range(0, o.Prompts).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, o.PromptLength).Select(_ => random.Next(3, vocabulary)).ToArray()).ToArray();
    }

    internal static Result Measure(IPolicy policy, GenerationBenchmarkOptions o, IReadOnlyList<int>[] prompts, int[] lengths, BatchingMode mode)
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
            // Continuous: whenever there is room. Static: a new batch only once the last one drained; padded, each of its
            // responses runs as long as the batch's longest (a finished row decoding padding costs what a live one does).
            var room = mode == BatchingMode.Continuous ? batch.Room : batch.IsIdle ? perBatch : 0;
            var longest = mode == BatchingMode.StaticPadded
                ? lengths.Skip(next * o.GroupSize).Take(Math.Min(room, prompts.Length - next) * o.GroupSize).DefaultIfEmpty(0).Max() : 0;
            for (; room > 0 && next < prompts.Length; room--, next++)
            {
                var own = lengths.AsSpan(next * o.GroupSize, o.GroupSize).ToArray();
                batch.Add(next, prompts[next], next, mode == BatchingMode.StaticPadded ? Enumerable.Repeat(longest, o.GroupSize).ToArray() : own);
                tokens += own.Sum();
            }
            batch.Step();
            batch.TakeFinished();
        }
        var seconds = watch.Elapsed.TotalSeconds;
        var steps = batch.Work.Steps;
        return new Result(seconds, tokens, tokens / ((double)steps * o.MaxSequences));
    }

    private static void Row(TextWriter output, string model, string batching, IReadOnlyList<Result> rounds, double vsPadded, double vsStatic)
    {
        var seconds = Statistics.Median(rounds.Select(r => r.Seconds));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model,-8} {batching,-26} {rounds[0].Tokens / seconds,10:N0} {rounds[0].Utilisation,8:P0} {seconds,8:F1} {vsPadded,8:F2}× {vsStatic,8:F2}×"));
    }

    /// <summary>The peer decodes each static batch for as long as its longest response (what a static batch costs), rows = MaxSequences.</summary>
    private static void PeerRow(TextWriter output, GenerationBenchmarkModel model, IPolicy policy, GenerationBenchmarkOptions o, int[] lengths,
        double paddedSeconds, double staticSeconds)
    {
        PyTorchPeer peer;
        try
        {
            peer = model.StartPeer!(policy, o);
        }
        catch (PeerUnavailableException e)
        {
            output.WriteLine($"{model.Name,-8} {"PyTorch static, padded",-26} not measured: {e.Message}");
            return;
        }
        using var _ = peer;
        var perBatch = o.MaxSequences / o.GroupSize * o.GroupSize;
        peer.Sample(8, cache: true, seed: 0); // warm-up
        var seconds = 0.0;
        for (var start = 0; start < lengths.Length; start += perBatch)
            seconds += peer.Sample(lengths.Skip(start).Take(perBatch).Max(), cache: true, seed: start);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model.Name,-8} {"PyTorch static, padded",-26} {lengths.Sum() / seconds,10:N0} {"",9} {seconds,8:F1} {paddedSeconds / seconds,8:F2}× {staticSeconds / seconds,8:F2}×"));
    }
}
