using System.CommandLine;
using System.Globalization;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Persistence;

namespace ActorRL.Cli.Commands;

/// <summary>
/// <c>actorrl eval RUN_DIR|CHECKPOINT</c>: greedy accuracy, avg@k and pass@k on the held-out split, of the policy the
/// run's ledger names (its newest committed checkpoint, that of <c>--step</c>, or the committed checkpoint pointed to).
/// </summary>
public static class EvalCommand
{
    public static Command Build(TextWriter output)
    {
        var target = new Argument<string>("RUN_DIR|CHECKPOINT") { Description = "A run directory (its ledger's newest committed checkpoint is the policy) or a committed checkpoint directory inside one" };
        var step = new Option<int?>("--step") { Description = "Evaluate the checkpoint committed at this learner step (default: the ledger's newest)" };
        var k = new Option<int>("--k", "-k") { Description = "Responses sampled per prompt for avg@k and pass@k", DefaultValueFactory = _ => 8 };
        var prompts = new Option<int?>("--prompts") { Description = "Held-out prompts to use (default: actorrl.pipeline.eval-size)" };
        var set = new Option<string[]>("--set", "-s") { Description = "Override a key of the run's configuration (e.g. generation.temperature)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("eval", "Evaluate a run's policy (the ledger's newest committed checkpoint, verified) on the held-out split: greedy accuracy, avg@k and pass@k at the run's sampling temperature");
        command.Add(target);
        command.Add(step);
        command.Add(k);
        command.Add(prompts);
        command.Add(set);
        command.SetAction(async (parse, cancellation) =>
        {
            var kValue = parse.GetValue(k);
            if (kValue < 1) throw new UsageException($"--k must be ≥ 1, got {kValue}");
            var path = parse.GetValue(target)!;
            var runDir = RunDirectoryOf(path);
            if (runDir != path && parse.GetValue(step) is not null) throw new UsageException("--step goes with a run directory, not with a checkpoint directory");
            var settings = RunDirectory.LoadSettings(runDir, parse.GetValue(set));
            var policy = runDir == path
                ? await RunPolicy.FindAsync(settings.Persistence, runDir, parse.GetValue(step))
                : await RunPolicy.AtAsync(settings.Persistence, runDir, path);
            var report = EvaluationJob.Run(settings, policy.Directory, kValue, parse.GetValue(prompts));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Prompts} held-out prompts, policy version {report.Version} (step {policy.Checkpoint.Step}): greedy accuracy {report.GreedyAccuracy:P1}, avg@{report.K} {report.AverageAtK:P1}, pass@{report.K} {report.PassAtK:P1} (temperature {report.Temperature})"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The run directory itself, or for a checkpoint directory the nearest ancestor that is a run directory.</summary>
    private static string RunDirectoryOf(string path)
    {
        if (File.Exists(Path.Combine(path, RunDirectory.ConfigFile))) return path;
        for (var dir = Directory.GetParent(Path.GetFullPath(path)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, RunDirectory.ConfigFile))) return dir.FullName;
        throw new UsageException($"{path} is neither a run directory (with {RunDirectory.ConfigFile}) nor a checkpoint inside one");
    }
}
