using System.Diagnostics;
using System.Globalization;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Training;
using ActorRL.Model.Checkpoints;

namespace ActorRL.Benchmarks.Pipeline;

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

    /// <param name="RoundWallSeconds">RL wall time of every round of this variant (this one is the fastest).</param>
    /// <param name="Deterministic">Run with actorrl.run.deterministic = true (η = 0 only).</param>
    public sealed record Variant(int MaxStaleness, RunSummary Summary, TimeBreakdown Time, double MeanStaleness, IReadOnlyList<double> RoundWallSeconds,
        bool Deterministic = false)
    {
        /// <summary>η, with "d" for the deterministic variant.</summary>
        public string Label => Deterministic ? $"{MaxStaleness} d" : MaxStaleness.ToString(CultureInfo.InvariantCulture);
    }

    public sealed record Report(double WarmStartSeconds, int WarmStartSteps, IReadOnlyList<Variant> Variants);

    /// <param name="settings">The pipeline as the user configured it (its rl-steps, eval-size, η list come from the caller).</param>
    /// <param name="staleness">η of each variant; the first is the baseline ratios are taken against (0 = sync).</param>
    /// <param name="directory">Each run's directory goes below it (warm-start, eta-0, eta-2, …; eta-0-round-1, … with rounds).</param>
    /// <param name="rounds">Times every variant runs, interleaved; each reports its fastest round.</param>
    /// <param name="deterministic">Add a last variant: η = 0 with actorrl.run.deterministic = true (what bit-for-bit reproducibility costs).</param>
    public static async Task<Report> RunAsync(ActorRLSettings settings, string akkaHocon, IReadOnlyList<int> staleness, string directory,
        TextWriter output, int rounds = 1, CancellationToken cancellation = default, bool deterministic = false)
    {
        if (staleness.Count == 0) throw new ArgumentException("needs at least one max-staleness value", nameof(staleness));
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "at least one round");
        var pipeline = settings.Pipeline;
        var warmStarts = pipeline.Stages.WarmStart && settings.WarmStart.Steps > 0;
        var cores = Environment.ProcessorCount;
        var loadAtStart = LoadAverage();
        output.WriteLine(Invariant(
            $"Real pipeline on this machine ({cores} cores): task {SettingNames.Of(settings.Task.Name)}, {settings.Model.Architecture} d={settings.Model.DModel} layers={settings.Model.Layers}, {pipeline.RlSteps} RL steps × {pipeline.GroupsPerStep} groups × {pipeline.GroupSize} responses per variant, {pipeline.Generators} generator(s), loss {settings.Algorithm.Loss}, seed {settings.Run.Seed}"));

        Action<PolicyTrainer>? startFromWarmStart = null;
        double warmStartSeconds = 0;
        if (warmStarts)
        {
            var warm = settings with
            {
                Run = settings.Run with { Directory = Path.Combine(directory, WarmStartDirectory) },
                // No evaluation here: every variant evaluates the same weights before its RL, and the warm start's time stays its own.
                Pipeline = pipeline with { Stages = new PipelineStages(WarmStart: true, Rl: false), RlSteps = 0, EvalSize = 0 },
            };
            var clock = Stopwatch.StartNew();
            await TrainingJob.RunAsync(warm, akkaHocon, cancellation: cancellation);
            warmStartSeconds = clock.Elapsed.TotalSeconds;
            // The warm start's policy is the checkpoint its ledger committed when RL would have started.
            var checkpoint = (await Engine.Persistence.RunPolicy.FindAsync(warm.Persistence, warm.Run.Directory)).Directory;
            startFromWarmStart = trainer => Checkpoint.Load(checkpoint, trainer.Policy, trainer.Optimizer);
            output.WriteLine(Invariant(
                $"Warm start: {settings.WarmStart.Steps} steps in {warmStartSeconds:F1} s, once; every variant starts RL from its weights and AdamW state"));
        }
        else output.WriteLine("No warm start (the pipeline's stages have no sft): every variant starts from the same seeded initial weights");

        // Rounds interleave the variants (0, 2, 4, 0, 2, 4, …), so a burst of load from elsewhere on a shared machine
        // hits every variant alike; each variant reports its fastest round, the least disturbed one.
        var specs = staleness.Select(eta => (Eta: eta, Deterministic: false)).ToList();
        if (deterministic) specs.Add((0, true));
        var runs = new List<Variant>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (eta, isDeterministic) in specs)
            {
                var name = (isDeterministic ? $"eta-{eta}-deterministic" : $"eta-{eta}") + (rounds == 1 ? "" : $"-round-{round}");
                var run = settings with
                {
                    Run = settings.Run with { Directory = Path.Combine(directory, name), Deterministic = isDeterministic },
                    // Evaluations between steps would pause the learner while generators run on; only before/after RL here.
                    Pipeline = pipeline with { Stages = new PipelineStages(WarmStart: false, Rl: true), MaxStaleness = eta, EvalEvery = 0 },
                };
                var timed = new TimedParts();
                var summary = await TrainingJob.RunAsync(run, akkaHocon, cancellation: cancellation,
                    hooks: new TrainingJobHooks(startFromWarmStart, timed.Wrap));
                var variant = new Variant(eta, summary, TimeBreakdown.Of(timed.Timeline.Intervals, pipeline.Generators, timed.Timeline.CpuMarks),
                    timed.MeanStaleness, Array.Empty<double>(), isDeterministic);
                runs.Add(variant);
                output.WriteLine(Invariant(
                    $"  η = {eta}{(isDeterministic ? ", deterministic" : "")}{(rounds == 1 ? "" : $", round {round}")}: RL {variant.Time.WallSeconds:F1} s, {variant.Time.CoresUsed ?? 0:F2} cores used, load {LoadAverage().Split(' ')[0]}, accuracy {Percent(summary.AccuracyBefore)} → {Percent(summary.AccuracyAfter)}"));
            }
        }
        var variants = specs
            .Select(spec => runs.Where(r => r.MaxStaleness == spec.Eta && r.Deterministic == spec.Deterministic).ToList())
            .Select(all => all.MinBy(r => r.Time.WallSeconds)! with { RoundWallSeconds = all.Select(r => r.Time.WallSeconds).ToList() })
            .ToList();

        output.WriteLine($"Load average (1 / 5 / 15 min) at the start: {loadAtStart}, at the end: {LoadAverage()} (other processes' work on a shared machine)");
        var report = new Report(warmStartSeconds, warmStarts ? settings.WarmStart.Steps : 0, variants);
        output.WriteLine();
        output.Write(RealBenchmarkTable.Render(report, settings, cores));
        return report;
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux /proc/loadavg), or "n/a" elsewhere.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    internal static string Percent(double? v) => v is null ? "n/a" : (v.Value * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
