using System.Diagnostics;
using System.Globalization;
using ActorRL.Cli.Commands;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Logging;
using ActorRL.Engine.Persistence;
using ActorRL.Engine.Training;
using ActorRL.Model.Checkpoints;
using Serilog.Events;

namespace ActorRL.Cli.Experiments;

/// <summary>
/// Runs an <see cref="ExperimentPlan"/>'s grid, one run after another: with a shared warm start, first the warm start of
/// every seed (its own run, stages = [sft]), then every cell with every seed, each an ordinary run directory (config.conf,
/// ledger, checkpoints, metrics.jsonl, summary.json) that starts RL from its seed's warm-start checkpoint. Each run is
/// <see cref="TrainingJob"/> as <c>actorrl train</c> runs it, under the same claim on its directory, so a killed
/// experiment run again continues where it stopped: finished runs are found complete in their ledgers and skipped, the
/// interrupted one resumes from its last checkpoint, exactly as a resumed <c>train</c> does.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>One run of the grid, configured: the warm start of a seed or a cell with a seed.</summary>
    public sealed record PlannedRun(string Label, ExperimentCell? Cell, long Seed, PipelineConfig Config, ActorRLSettings Settings);

    private static readonly string[] RunnerKeys = ["actorrl.run.seed", "actorrl.run.dir"];

    /// <summary>
    /// Every run's configuration, checked before anything runs, so a bad override fails in seconds (exit 2, naming
    /// the key) rather than hours in. The warm starts come first.
    /// </summary>
    public static IReadOnlyList<PlannedRun> Configure(ExperimentPlan plan)
    {
        foreach (var o in plan.Set.Concat(plan.Cells.SelectMany(c => c.Set)))
        {
            var key = o[..o.IndexOf('=')].Trim();
            if (RunnerKeys.Contains(key))
                throw new SettingsException(key, plan.SourceFile, null, $"is set by the experiment itself (each run's seed and directory): remove \"{o}\"");
        }
        var runs = new List<PlannedRun>();
        var warmStarts = new Dictionary<long, PlannedRun>();
        if (plan.SharedWarmStart)
        {
            foreach (var seed in plan.Seeds)
            {
                var config = PipelineConfig.Load(plan.PipelineFiles, plan.Set.Concat(
                [
                    Seed(seed), Dir(plan.WarmStartDirectory(seed)), "actorrl.pipeline.stages=[sft]",
                    // Every cell evaluates these weights before its RL; the warm start's own evaluation would only repeat it.
                    "actorrl.pipeline.eval-size=0",
                ]));
                var settings = Settings(plan, $"warm-start/seed-{seed}", config);
                if (!PipelineConfig.Load(plan.PipelineFiles, plan.Set).Reader("actorrl.pipeline").GetStringList("stages").Contains("sft"))
                    throw new SettingsException("shared-warm-start", plan.SourceFile, null,
                        "is true, but the experiment's pipeline has no sft stage to share (actorrl.pipeline.stages); set it false or add sft");
                var run = new PlannedRun($"warm-start/seed-{seed}", null, seed, config, settings);
                warmStarts[seed] = run;
                runs.Add(run);
            }
        }
        foreach (var (cell, seed) in plan.Runs)
        {
            var extra = new List<string>(plan.Set.Concat(cell.Set)) { Seed(seed), Dir(plan.CellDirectory(cell, seed)) };
            if (plan.SharedWarmStart) extra.Add("actorrl.pipeline.stages=[rl]");
            var config = PipelineConfig.Load(plan.PipelineFiles, extra);
            var settings = Settings(plan, $"cells/{cell.Name}/seed-{seed}", config);
            if (plan.SharedWarmStart)
            {
                // The warm start is shared only if it is the one this cell would have trained itself.
                foreach (var section in new[] { "actorrl.task", "actorrl.model", "actorrl.warm-start" })
                    if (config.Render(section) != warmStarts[seed].Config.Render(section))
                        throw new SettingsException(section, plan.SourceFile, null,
                            $"differs between cell {cell.Name} and the shared warm start: with shared-warm-start = true, cells may not change the task, model or warm-start keys");
            }
            runs.Add(new PlannedRun($"cells/{cell.Name}/seed-{seed}", cell, seed, config, settings));
        }
        return runs;
    }

    /// <summary>The run's typed settings; a bad value names the run too, since the same key may be fine in the others.</summary>
    private static ActorRLSettings Settings(ExperimentPlan plan, string label, PipelineConfig config)
    {
        try
        {
            var settings = ActorRLSettings.FromConfig(config);
            RunFiles.Require(settings, config);
            return settings;
        }
        catch (SettingsException e)
        {
            throw new SettingsException(e.Key, e.Source, e.Line, $"{e.Problem} (in run {label} of {Path.GetFileName(plan.SourceFile)})");
        }
    }

    public static async Task RunAsync(ExperimentPlan plan, IReadOnlyList<PlannedRun> runs, TextWriter output, TextWriter error, bool verbose,
        CancellationToken cancellation)
    {
        Directory.CreateDirectory(plan.Directory);
        var warmCheckpoints = new Dictionary<long, string>();
        var clock = Stopwatch.StartNew();
        var trained = 0;
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            Action<PolicyTrainer>? prepare = null;
            if (run.Cell is not null && plan.SharedWarmStart)
            {
                var checkpoint = warmCheckpoints[run.Seed];
                prepare = trainer => Checkpoint.Load(checkpoint, trainer.Policy, trainer.Optimizer);
            }
            var started = clock.Elapsed;
            var summary = await RunOneAsync(run, prepare, error, verbose, cancellation);
            if (run.Cell is null)
                warmCheckpoints[run.Seed] = (await RunPolicy.FindAsync(run.Settings.Persistence, run.Settings.Run.Directory)).Directory;
            var took = clock.Elapsed - started;
            if (!summary.AlreadyComplete) trained++;
            var left = runs.Count - i - 1;
            var eta = trained == 0 || left == 0 ? "" : $", about {FormatMinutes(clock.Elapsed.TotalSeconds / trained * left)} left";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{i + 1}/{runs.Count}] {run.Label}: {(summary.AlreadyComplete ? "complete before, skipped" : Outcome(summary, took))}{eta}"));
        }
    }

    private static async Task<Engine.Pipeline.RunSummary> RunOneAsync(PlannedRun run, Action<PolicyTrainer>? prepare, TextWriter error, bool verbose,
        CancellationToken cancellation)
    {
        var settings = run.Settings;
        var job = TrainingJob.Prepare(settings, run.Config.Render("akka"));
        using var claim = await RunClaim.TakeAsync(settings, cancellation);
        var directory = settings.Run.Directory;
        Directory.CreateDirectory(directory);
        claim.RecordId(directory);
        var configFile = Path.Combine(directory, RunDirectory.ConfigFile);
        var rendered = run.Config.Render();
        if (File.Exists(configFile)) ConfigChanges.Report(File.ReadAllText(configFile), rendered, error);
        Core.IO.DurableFile.WriteAllBytes(configFile, System.Text.Encoding.UTF8.GetBytes(rendered));
        // The run's log file keeps everything; the terminal shows warnings only, under the experiment's own progress lines.
        var levels = LoggingSetup.Configure(settings.Logging, directory, verbose);
        if (!verbose) levels.MinimumLevel = (LogEventLevel)Math.Max((int)settings.Logging.Level, (int)LogEventLevel.Warning);
        return await TrainingJob.RunAsync(job, cancellation: cancellation, hooks: new TrainingJobHooks(prepare, Probe: CrashAtProbe.FromEnvironment()));
    }

    private static string Outcome(Engine.Pipeline.RunSummary s, TimeSpan took)
    {
        var seconds = took.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture);
        if (s.Steps == 0 && s.WarmStartSteps > 0) return $"{s.WarmStartSteps} warm-start steps in {seconds} s";
        string Percent(double? v) => v is null ? "n/a" : (v.Value * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";
        return $"accuracy {Percent(s.AccuracyBefore)} → {Percent(s.AccuracyAfter)}, {s.Steps} RL steps in {seconds} s";
    }

    private static string FormatMinutes(double seconds) => seconds < 90
        ? $"{seconds.ToString("F0", CultureInfo.InvariantCulture)} s"
        : $"{(seconds / 60).ToString("F0", CultureInfo.InvariantCulture)} min";

    private static string Seed(long seed) => $"actorrl.run.seed={seed.ToString(CultureInfo.InvariantCulture)}";

    private static string Dir(string directory) => $"actorrl.run.dir=\"{directory.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";
}
