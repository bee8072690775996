using System.CommandLine;
using System.Globalization;
using ActorRL.Benchmarks.Pipeline;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Logging;
using Serilog.Events;

namespace ActorRL.Cli.Commands;

/// <summary>
/// <c>actorrl bench real</c>: the main job with the real model, sync vs bounded staleness, side by side in one run
/// (see <see cref="RealPipelineBenchmark"/>).
/// </summary>
public static class BenchRealCommand
{
    public const int DefaultRlSteps = 100;

    public static Command Build(TextWriter output)
    {
        var options = new PipelineOptions();
        var staleness = new Option<string>("--staleness")
        {
            Description = "Comma-separated max-staleness (η) of each variant; the first is the baseline ratios are taken against (0 = synchronous RL)",
            DefaultValueFactory = _ => "0,2,4",
        };
        var rlSteps = new Option<int>("--rl-steps")
        {
            Description = "RL learner steps of every variant (the shipped pipeline runs 600; the same number for every variant)",
            DefaultValueFactory = _ => DefaultRlSteps,
        };
        var warmStartSteps = new Option<int?>("--warm-start-steps") { Description = "Warm-start steps, run once for all variants (default: the pipeline's)" };
        var evalSize = new Option<int?>("--eval-size") { Description = "Held-out prompts evaluated before and after RL (default: the pipeline's)" };
        var rounds = new Option<int>("--rounds")
        {
            Description = "Run every variant this many times, interleaved (0, 2, 4, 0, 2, 4, …), and report each one's fastest round: steadier numbers on a shared machine",
            DefaultValueFactory = _ => 1,
        };
        var deterministic = new Option<bool>("--deterministic")
        {
            Description = "Also run η = 0 with actorrl.run.deterministic = true, as the last variant: what bit-for-bit reproducibility costs",
        };
        var dir = new Option<string?>("--dir")
        {
            Description = "Keep every run's directory (warm-start, eta-0, eta-2, …; eta-0-round-1, … with --rounds) below this new or empty directory (default: a temporary one, deleted afterwards)",
        };
        var command = new Command("real",
            $"""
            The main job with the real model on this machine: warm start once, then the same RL steps from the same weights
            for each η, printing side by side the RL wall time and its ratio to the first η, learner and generator idle fractions,
            accuracy before/after, groups dropped, mean staleness, and where the time goes (learner, generators, verifiers,
            evaluation, actor overhead). With no file: {TrainCommand.DefaultPipeline}. Takes minutes.
            """);
        options.AddTo(command);
        command.Add(staleness);
        command.Add(rlSteps);
        command.Add(warmStartSteps);
        command.Add(evalSize);
        command.Add(rounds);
        command.Add(deterministic);
        command.Add(dir);
        command.SetAction(async (parse, cancellation) =>
        {
            var etas = ParseStaleness(parse.GetValue(staleness)!);
            var steps = parse.GetValue(rlSteps);
            if (steps < 1) throw new UsageException($"--rl-steps must be at least 1, got {steps}");
            var roundCount = parse.GetValue(rounds);
            if (roundCount < 1) throw new UsageException($"--rounds must be at least 1, got {roundCount}");
            var overrides = new List<string>(parse.GetValue(options.Set) ?? Array.Empty<string>())
            {
                $"actorrl.pipeline.rl-steps={steps}",
            };
            if (parse.GetValue(warmStartSteps) is { } warm) overrides.Add($"actorrl.warm-start.steps={warm}");
            if (parse.GetValue(evalSize) is { } eval) overrides.Add($"actorrl.pipeline.eval-size={eval}");
            var files = parse.GetValue(options.Files) is { Length: > 0 } given ? given : new[] { DistributionPaths.Resolve(TrainCommand.DefaultPipeline) };
            var config = Core.Configuration.PipelineConfig.Load(files, overrides);
            var settings = ActorRLSettings.FromConfig(config);
            if (settings.Pipeline.EvalSize < 1)
                throw new UsageException("the benchmark reports held-out accuracy: actorrl.pipeline.eval-size (--eval-size) must be at least 1");

            var keep = parse.GetValue(dir);
            var root = keep ?? Directory.CreateTempSubdirectory("actorrl-bench-real-").FullName;
            if (keep is not null && Directory.Exists(keep) && Directory.EnumerateFileSystemEntries(keep).Any())
                throw new UsageException($"--dir {keep} is not empty; give a new or empty directory");
            Directory.CreateDirectory(root);
            var level = parse.GetValue(options.Verbose) ? LogEventLevel.Debug : (LogEventLevel)Math.Max((int)settings.Logging.Level, (int)LogEventLevel.Warning);
            LoggingSetup.Configure(settings.Logging with { Level = level }, keep, parse.GetValue(options.Verbose));
            try
            {
                await RealPipelineBenchmark.RunAsync(settings, config.Render("akka"), etas, root, output, roundCount, cancellation, parse.GetValue(deterministic));
            }
            finally
            {
                if (keep is null) Directory.Delete(root, recursive: true);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>"0,2,4" → [0, 2, 4]; anything else is a usage error naming the option.</summary>
    public static IReadOnlyList<int> ParseStaleness(string text)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var eta))
                throw new UsageException($"--staleness expects comma-separated integers ≥ 0 (e.g. 0,2,4), got \"{text}\"");
            if (values.Contains(eta)) throw new UsageException($"--staleness lists {eta} twice");
            values.Add(eta);
        }
        return values;
    }
}
