using System.Diagnostics;
using System.Globalization;
using ActorRL.Core.Algorithms;
using ActorRL.Core.Configuration;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;
using ActorRL.Engine.Training;
using ActorRL.Model.Policies;
using ActorRL.Model.Settings;

namespace ActorRL.Benchmarks.Learner;

/// <summary>What <c>actorrl bench learner</c> measures.</summary>
/// <param name="Batches">Responses per optimizer update, one row group each.</param>
/// <param name="Budgets">learner.micro-batch-tokens of each case; every batch also runs unsplit.</param>
public sealed record LearnerBenchmarkOptions(
    IReadOnlyList<int> Batches,
    IReadOnlyList<int> Budgets,
    int PromptTokens,
    int ResponseTokens,
    int Updates,
    int Seed = 1,
    int? LoraRank = null);

/// <summary>
/// The learner's memory and time per update on a real-vocabulary model, unsplit and under several micro-batch token
/// budgets, for several batch sizes: with a budget, peak memory should follow the budget and stay flat as the batch grows;
/// unsplit, it grows with the batch (one [B, T, V] set of logits). GRPO, one mini-batch, one epoch; synthetic responses
/// of random tokens (lengths spread over ¼–1 × the response length) with mixed rewards, so every update has a gradient.
/// </summary>
public static class LearnerBenchmark
{
    /// <param name="loadPolicy">A fresh copy of the model for each case (its trainer owns and disposes it), with LoRA
    /// adapters of the given rank on every projection, or without (null).</param>
    public static void Run(TextWriter output, Func<int?, IPolicy> loadPolicy, LearnerBenchmarkOptions options)
    {
        if (!PeakResidentMemory.Supported)
            throw new PlatformNotSupportedException("bench learner measures peak resident memory through /proc/self/clear_refs (Linux only)");
        int vocabulary;
        long parameters;
        using (var probe = loadPolicy(null))
            (vocabulary, parameters) = (probe.Tokenizer.VocabularySize, probe.NamedParameters().Sum(p => p.Parameter.numel()));
        output.WriteLine($"Learner update, {vocabulary:N0}-token vocabulary, {parameters:N0} parameters, {Environment.ProcessorCount} CPU threads; " +
                         $"prompts {options.PromptTokens} tokens, responses {options.ResponseTokens / 4}–{options.ResponseTokens}; {options.Updates} timed update(s) per case");
        output.WriteLine("Peak = the process's peak resident memory during the timed updates minus its resident memory before them");
        output.WriteLine("(weights and AdamW state excluded: each case loads the model afresh and runs one untimed update first).");
        output.WriteLine();
        output.WriteLine($"{"responses",9} {"budget",8} {"micro-batches",13} {"peak MiB",9} {"vs unsplit",10} {"s/update",9} {"vs unsplit",10}");
        var random = new Random(options.Seed);
        foreach (var responses in options.Batches)
        {
            var batch = Batch(vocabulary, responses, options, random);
            var unsplit = Measure(() => loadPolicy(null), batch, null, options.Updates);
            Print(output, responses, "unsplit", unsplit, unsplit);
            foreach (var budget in options.Budgets)
                Print(output, responses, budget.ToString(CultureInfo.InvariantCulture), Measure(() => loadPolicy(null), batch, budget, options.Updates), unsplit);
        }
        if (options.LoraRank is { } rank) CompareLora(output, loadPolicy, rank, Batch(vocabulary, options.Batches[^1], options, random), options);
    }

    /// <summary>Full fine-tuning vs LoRA on the same batch: what trains, what a weight snapshot to generators weighs, the update's cost.</summary>
    private static void CompareLora(TextWriter output, Func<int?, IPolicy> loadPolicy, int rank, IReadOnlyList<RolloutGroup> batch, LearnerBenchmarkOptions options)
    {
        var budget = options.Budgets[0];
        output.WriteLine();
        output.WriteLine($"Full fine-tuning vs LoRA (rank {rank}, every projection), {batch.Sum(g => g.Rollouts.Count)} responses, budget {budget}:");
        output.WriteLine($"{"variant",-12} {"trainable",12} {"sync MiB/version",17} {"vs full",8} {"peak MiB",9} {"s/update",9} {"vs full",8}");
        (long Trainable, long SyncBytes, CaseResult Result) Case(int? lora)
        {
            long trainable, bytes;
            using (var probe = loadPolicy(lora))
            {
                trainable = probe.NamedParameters().Sum(p => p.Parameter.numel());
                using var snapshot = probe.ExportWeights();
                bytes = snapshot.ByteCount;
            }
            return (trainable, bytes, Measure(() => loadPolicy(lora), batch, budget, options.Updates));
        }
        var full = Case(null);
        var adapted = Case(rank);
        foreach (var (name, c) in new[] { ("full", full), ($"LoRA r={rank}", adapted) })
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-12} {c.Trainable,12:N0} {c.SyncBytes / 1048576.0,17:0.000} {c.SyncBytes / (double)full.SyncBytes,7:0.000}× " +
                $"{c.Result.PeakBytes / 1048576.0,9:0} {c.Result.SecondsPerUpdate,9:0.00} {c.Result.SecondsPerUpdate / full.Result.SecondsPerUpdate,7:0.00}×"));
    }

    private sealed record CaseResult(double MicroBatches, long PeakBytes, double SecondsPerUpdate);

    private static void Print(TextWriter output, int responses, string budget, CaseResult result, CaseResult unsplit) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{responses,9} {budget,8} {result.MicroBatches,13:0.#} {result.PeakBytes / 1048576.0,9:0} {result.PeakBytes / (double)unsplit.PeakBytes,9:0.00}× " +
            $"{result.SecondsPerUpdate,9:0.00} {result.SecondsPerUpdate / unsplit.SecondsPerUpdate,9:0.00}×"));

    private static CaseResult Measure(Func<IPolicy> loadPolicy, IReadOnlyList<RolloutGroup> batch, int? budget, int updates)
    {
        using var trainer = Trainer(loadPolicy(), batch, budget);
        // The first update allocates AdamW's moments: state, not working memory.
        trainer.Train(batch);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = PeakResidentMemory.Reset();
        var watch = Stopwatch.StartNew();
        var microBatches = 0.0;
        for (var u = 0; u < updates; u++) microBatches = trainer.Train(batch)["micro_batches"];
        watch.Stop();
        return new CaseResult(microBatches, Math.Max(0, PeakResidentMemory.Peak() - before), watch.Elapsed.TotalSeconds / updates);
    }

    private static PolicyTrainer Trainer(IPolicy policy, IReadOnlyList<RolloutGroup> batch, int? budget)
    {
        var reference = SettingsReader.FromReference(
            $"actorrl.pipeline {{ groups-per-step = {batch.Count}, group-size = {batch[0].Rollouts.Count}, rl-steps = 1000, eval-size = 0 }}", "actorrl");
        var settings = new TrainerSettings(
            AlgorithmSettings.FromPreset("grpo"),
            LearnerSettings.FromConfig(reference.Section("learner")) with { MicroBatchTokens = budget },
            WarmStartSettings.FromConfig(reference.Section("warm-start")),
            PipelineSettings.FromConfig(reference.Section("pipeline")),
            GenerationSettings.FromConfig(reference.Section("generation")));
        return new PolicyTrainer(policy, settings, new SyntheticTask(), (_, _) => false);
    }

    private static IReadOnlyList<RolloutGroup> Batch(int vocabulary, int responses, LearnerBenchmarkOptions options, Random random)
    {
        const int groupSize = 4;
        int[] Tokens(int n) => Enumerable.Range(0, n).Select(_ => random.Next(vocabulary)).ToArray();
        return Enumerable.Range(0, Math.Max(1, responses / groupSize)).Select(g =>
        {
            var prompt = Tokens(options.PromptTokens);
            var rollouts = Enumerable.Range(0, groupSize).Select(i =>
            {
                var response = Tokens(random.Next(Math.Max(1, options.ResponseTokens / 4), options.ResponseTokens + 1));
                return new Rollout(response, response.Select(_ => "x").ToList(), response.Select(_ => -5f).ToList(),
                    response.Select(_ => 0L).ToList(), "", false, Reward: i % 2);
            }).ToList();
            return new RolloutGroup($"g#{g}", $"p{g}", "", prompt, "", 0, "bench", rollouts);
        }).ToList();
    }
}
