using System.CommandLine;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;
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
        var freshOption = new Option<bool>("--fresh") { Description = "Delete the run directory's previous state (and its ledger) and start over instead of resuming (asks first on a terminal)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask before deleting with --fresh" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate the pipeline and print the plan, then exit" };
        var command = new Command("train",
            $"Run a pipeline: warm start and/or RL, as its stages say. With no file: {DefaultPipeline} (the built-in arithmetic task, GRPO). " +
            "A run directory that already holds a run is resumed from its last intact checkpoint (see docs/recovery.md)");
        options.AddTo(command);
        command.Add(freshOption);
        command.Add(yes);
        command.Add(dryRun);
        command.SetAction(async (parse, cancellation) =>
        {
            var config = options.Load(parse, DefaultPipeline);
            var settings = ActorRLSettings.FromConfig(config);
            if (parse.GetValue(options.Verbose) && settings.Logging.Level > LogEventLevel.Debug)
                settings = settings with { Logging = settings.Logging with { Level = LogEventLevel.Debug } };
            var fresh = parse.GetValue(freshOption);
            // Every check start-up can make comes before anything is written or deleted (--fresh included): the model
            // folder, the task, the device, the ledger's configuration, the cluster's frame size, then the run's claim.
            RunFiles.Require(settings, config);
            var job = TrainingJob.Prepare(settings, config.Render("akka"));
            SequenceFit.Require(job, config);
            await CheckStartingPointAsync(config, settings, fresh);
            if (parse.GetValue(dryRun))
            {
                output.WriteLine($"OK: {string.Join(" ← ", config.Sources)}");
                output.WriteLine(RunPlan.Describe(settings));
                return ExitCodes.Ok;
            }
            // One learner per run: refused here, a second train has written and deleted nothing (--fresh included).
            using var claim = await RunClaim.TakeAsync(settings, cancellation);
            var resuming = RunDirectory.Prepare(settings.Run.Directory, fresh, parse.GetValue(yes), error);
            claim.RecordId(settings.Run.Directory);
            var configFile = Path.Combine(settings.Run.Directory, RunDirectory.ConfigFile);
            if (resuming)
            {
                error.WriteLine($"Resuming the run in {settings.Run.Directory} from its ledger (--fresh starts over).");
                if (File.Exists(configFile)) ConfigChanges.Report(File.ReadAllText(configFile), config.Render(), error);
            }
            // Temporary name, flushed, renamed: a kill -9 mid-write never leaves a truncated config.conf, which eval,
            // export, ledger and the next resume all read.
            Core.IO.DurableFile.WriteAllBytes(configFile, System.Text.Encoding.UTF8.GetBytes(config.Render()));
            var levels = LoggingSetup.Configure(settings.Logging, settings.Run.Directory, parse.GetValue(options.Verbose));
            var summary = await TrainingJob.RunAsync(job, TrainingProgress.Observe(settings, levels), cancellation, fresh,
                new TrainingJobHooks(Probe: CrashAtProbe.FromEnvironment()));
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

    /// <summary>
    /// RL without a warm start trains the weights it starts from: those of a pretrained model, or the run's own
    /// committed checkpoint. A randomly initialised tiny-gpt with neither is refused, naming the stages key.
    /// </summary>
    private static async Task CheckStartingPointAsync(PipelineConfig config, ActorRLSettings settings, bool fresh)
    {
        if (settings.Pipeline.Stages.WarmStart || settings.Model.IsPretrained) return;
        var directory = settings.Run.Directory;
        if (!fresh && RunDirectory.HoldsARun(directory) && (await RunPolicy.CommittedAsync(settings.Persistence, directory)).Count > 0) return;
        throw config.Reader("actorrl.pipeline").Fail("stages",
            $"is [{string.Join(", ", settings.Pipeline.Stages.Names)}], but nothing to start RL from: actorrl.model.architecture = {settings.Model.Architecture} " +
            $"starts from random weights and {directory} holds no committed checkpoint{(fresh ? " once --fresh starts over" : "")}; " +
            "add the warm start (stages = [sft, rl]) or set actorrl.model.architecture and actorrl.model.path to a pretrained model");
    }
}
