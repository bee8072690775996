using System.CommandLine;
using System.Globalization;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl eval RUN_DIR|CHECKPOINT</c>: greedy accuracy, avg@k and pass@k on the held-out split.</summary>
public static class EvalCommand
{
    public static Command Build(TextWriter output)
    {
        var target = new Argument<string>("RUN_DIR|CHECKPOINT") { Description = "A run directory (uses its config.conf and checkpoints/final, or the newest checkpoints/step-* of an unfinished run) or a checkpoint directory inside one" };
        var k = new Option<int>("--k", "-k") { Description = "Responses sampled per prompt for avg@k and pass@k", DefaultValueFactory = _ => 8 };
        var prompts = new Option<int?>("--prompts") { Description = "Held-out prompts to use (default: actorrl.pipeline.eval-size)" };
        var set = new Option<string[]>("--set", "-s") { Description = "Override a key of the run's configuration (e.g. generation.temperature)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("eval", "Evaluate a trained policy on the held-out split: greedy accuracy, avg@k and pass@k at the run's sampling temperature");
        command.Add(target);
        command.Add(k);
        command.Add(prompts);
        command.Add(set);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(target)!;
            var (runDir, checkpoint) = Resolve(path);
            var config = PipelineConfig.Load(new[] { Path.Combine(runDir, "config.conf") }, parse.GetValue(set) ?? Array.Empty<string>());
            var settings = ActorRLSettings.FromConfig(config);
            var kValue = parse.GetValue(k);
            if (kValue < 1) throw new UsageException($"--k must be ≥ 1, got {kValue}");
            var report = EvaluationJob.Run(settings, checkpoint, kValue, parse.GetValue(prompts));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Prompts} held-out prompts, policy version {report.Version}: greedy accuracy {report.GreedyAccuracy:P1}, avg@{report.K} {report.AverageAtK:P1}, pass@{report.K} {report.PassAtK:P1} (temperature {report.Temperature})"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (string RunDir, string Checkpoint) Resolve(string path)
    {
        if (File.Exists(Path.Combine(path, "config.conf")))
        {
            var final = Path.Combine(path, TrainingJob.FinalCheckpoint);
            if (Directory.Exists(final)) return (path, final);
            // A run still going (or interrupted): its newest step checkpoint.
            var steps = Path.Combine(path, Engine.Persistence.LedgerPlan.CheckpointsFolder);
            var newest = Directory.Exists(steps) ? Directory.GetDirectories(steps, "step-*").Order(StringComparer.Ordinal).LastOrDefault() : null;
            if (newest is null) throw new UsageException($"{path} has no checkpoint yet ({TrainingJob.FinalCheckpoint} or checkpoints/step-*)");
            return (path, newest);
        }
        // A checkpoint directory: its run directory is the nearest ancestor with config.conf.
        for (var dir = Directory.GetParent(Path.GetFullPath(path)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "config.conf"))) return (dir.FullName, path);
        throw new UsageException($"{path} is neither a run directory (with config.conf) nor a checkpoint inside one");
    }
}
