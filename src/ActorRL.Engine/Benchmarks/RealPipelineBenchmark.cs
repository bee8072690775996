using System.Diagnostics;
using System.Globalization;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Pipeline;
using ActorRL.Model.Checkpoints;

namespace ActorRL.Engine.Benchmarks;

/// <summary>
/// The main job with the real model, synchronous (η = 0) against bounded staleness, in one invocation: the warm
/// start runs once (as its own <see cref="TrainingJob"/> run with stages = [sft]) and every variant starts RL from
/// its checkpoint (weights and AdamW state), with the same seed, batches and number of learner steps, so the only
/// difference between variants is η. Each variant is the ordinary <see cref="TrainingJob"/> with its compute
/// wrapped in timers (<see cref="TimedParts"/>), which is how the time is split into learner, generator, verifier,
/// evaluation and actor overhead (<see cref="TimeBreakdown"/>).
/// </summary>
public static class RealPipelineBenchmark
{
    public const string WarmStartDirectory = "warm-start";

    public sealed record Variant(int MaxStaleness, RunSummary Summary, TimeBreakdown Time, double MeanStaleness);

    public sealed record Report(double WarmStartSeconds, int WarmStartSteps, IReadOnlyList<Variant> Variants);

    /// <param name="settings">The pipeline as the user configured it (its rl-steps, eval-size, η list come from the caller).</param>
    /// <param name="staleness">η of each variant; the first is the baseline ratios are taken against (0 = sync).</param>
    /// <param name="directory">Each run's directory goes below it (warm-start, eta-0, eta-2, …).</param>
    public static async Task<Report> RunAsync(ActorRLSettings settings, string akkaHocon, IReadOnlyList<int> staleness, string directory,
        TextWriter output, CancellationToken cancellation = default)
    {
        if (staleness.Count == 0) throw new ArgumentException("needs at least one max-staleness value", nameof(staleness));
        var pipeline = settings.Pipeline;
        var warmStarts = pipeline.Stages.Contains("sft") && settings.WarmStart.Steps > 0;
        var cores = Environment.ProcessorCount;
        output.WriteLine(Invariant(
            $"Real pipeline on this machine ({cores} cores): task {settings.Task.Name}, {settings.Model.Architecture} d={settings.Model.DModel} layers={settings.Model.Layers}, {pipeline.RlSteps} RL steps × {pipeline.GroupsPerStep} groups × {pipeline.GroupSize} responses per variant, {pipeline.Generators} generator(s), loss {settings.Algorithm.Loss}, seed {settings.Run.Seed}"));

        Action<Training.PolicyTrainer>? startFromWarmStart = null;
        double warmStartSeconds = 0;
        if (warmStarts)
        {
            var warm = settings with
            {
                Run = settings.Run with { Directory = Path.Combine(directory, WarmStartDirectory) },
                Pipeline = pipeline with { Stages = new[] { "sft" }, RlSteps = 0 },
            };
            var clock = Stopwatch.StartNew();
            await TrainingJob.RunAsync(warm, akkaHocon, cancellation: cancellation);
            warmStartSeconds = clock.Elapsed.TotalSeconds;
            var checkpoint = Path.Combine(warm.Run.Directory, TrainingJob.FinalCheckpoint);
            startFromWarmStart = trainer => Checkpoint.Load(checkpoint, trainer.Policy, trainer.Optimizer);
            output.WriteLine(Invariant(
                $"Warm start: {settings.WarmStart.Steps} steps in {warmStartSeconds:F1} s, once; every variant starts RL from its weights and AdamW state"));
        }
        else output.WriteLine("No warm start (the pipeline's stages have no sft): every variant starts from the same seeded initial weights");

        var variants = new List<Variant>();
        foreach (var eta in staleness)
        {
            var run = settings with
            {
                Run = settings.Run with { Directory = Path.Combine(directory, $"eta-{eta}") },
                // Evaluations between steps would pause the learner while generators run on; only before/after RL here.
                Pipeline = pipeline with { Stages = new[] { "rl" }, MaxStaleness = eta, EvalEvery = 0 },
            };
            var timed = new TimedParts();
            var summary = await TrainingJob.RunAsync(run, akkaHocon, cancellation: cancellation,
                hooks: new TrainingJobHooks(startFromWarmStart, timed.Wrap));
            var variant = new Variant(eta, summary, TimeBreakdown.Of(timed.Timeline.Intervals, pipeline.Generators, timed.Timeline.CpuMarks), timed.MeanStaleness);
            variants.Add(variant);
            output.WriteLine(Invariant(
                $"  η = {eta}: RL {variant.Time.WallSeconds:F1} s, accuracy {Percent(summary.AccuracyBefore)} → {Percent(summary.AccuracyAfter)}"));
        }

        var report = new Report(warmStartSeconds, warmStarts ? settings.WarmStart.Steps : 0, variants);
        output.WriteLine();
        output.Write(RealBenchmarkTable.Render(report, settings, cores));
        return report;
    }

    internal static string Percent(double? v) => v is null ? "n/a" : (v.Value * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
