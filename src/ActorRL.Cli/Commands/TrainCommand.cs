using System.CommandLine;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Logging;
using Serilog.Events;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl train [PIPELINE.conf]</c>: run a pipeline; with no file, the built-in main job.</summary>
public static class TrainCommand
{
    public const string DefaultPipeline = "samples/arithmetic/pipeline.conf";

    public static Command Build(TextWriter output, TextWriter error)
    {
        var options = new PipelineOptions();
        var fresh = new Option<bool>("--fresh") { Description = "Delete the run directory's previous state (and its ledger) and start over instead of resuming (asks first on a terminal)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask before deleting with --fresh" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate the pipeline and print the plan, then exit" };
        var command = new Command("train",
            $"Run a pipeline: warm start and/or RL, as its stages say. With no file: {DefaultPipeline} (the built-in arithmetic task, GRPO). " +
            "A run directory that already holds a run is resumed from its last intact checkpoint (see docs/recovery.md)");
        options.AddTo(command);
        command.Add(fresh);
        command.Add(yes);
        command.Add(dryRun);
        command.SetAction(async (parse, cancellation) =>
        {
            var config = options.Load(parse, DefaultPipeline);
            var settings = ActorRLSettings.FromConfig(config);
            if (parse.GetValue(options.Verbose) && settings.Logging.Level > LogEventLevel.Debug)
                settings = settings with { Logging = settings.Logging with { Level = LogEventLevel.Debug } };
            // A model folder that cannot be used fails here, before a run directory, a log or a ledger exists.
            Model.PolicyFactory.CheckPretrained(settings.Model);
            if (parse.GetValue(dryRun))
            {
                output.WriteLine($"OK: {string.Join(" ← ", config.Sources)}");
                output.WriteLine(RunPlan.Describe(settings));
                return ExitCodes.Ok;
            }
            // One learner per run: refused here, a second train has written and deleted nothing (--fresh included).
            using var claim = await RunClaim.TakeAsync(settings, cancellation);
            var resuming = RunDirectory.Prepare(settings.Run.Directory, parse.GetValue(fresh), parse.GetValue(yes), error);
            claim.RecordId(settings.Run.Directory);
            var configFile = Path.Combine(settings.Run.Directory, RunDirectory.ConfigFile);
            if (resuming)
            {
                error.WriteLine($"Resuming the run in {settings.Run.Directory} from its ledger (--fresh starts over).");
                if (File.Exists(configFile)) ConfigChanges.Report(File.ReadAllText(configFile), config.Render(), error);
            }
            File.WriteAllText(configFile, config.Render());
            var levels = LoggingSetup.Configure(settings.Logging, settings.Run.Directory, parse.GetValue(options.Verbose));
            var summary = await TrainingJob.RunAsync(settings, config.Render("akka"), TrainingProgress.Observe(settings, levels), cancellation,
                fresh: parse.GetValue(fresh), hooks: new TrainingJobHooks(Probe: CrashAtProbe.FromEnvironment()));
            output.WriteLine();
            if (summary.AlreadyComplete)
            {
                output.WriteLine($"The run in {settings.Run.Directory} is already complete ({summary.Steps} RL steps; see its summary.json). " +
                                 "Start over with --fresh, or raise actorrl.pipeline.rl-steps to train further from its last checkpoint.");
                return ExitCodes.Ok;
            }
            output.WriteLine(RunPlan.DescribeSummary(summary, settings.Run.Directory, settings.Pipeline.Stages));
            return ExitCodes.Ok;
        });
        return command;
    }
}
