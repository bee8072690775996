using System.CommandLine;
using ActorRL.Cli.Experiments;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl experiment FILE.conf</c>: run a grid of cells × seeds and compare the cells (see <see cref="ExperimentRunner"/>).</summary>
public static class ExperimentCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("EXPERIMENT") { Description = "Experiment file (HOCON, one experiment { … } section; see samples/experiments/README.md)" };
        var dir = new Option<string?>("--dir") { Description = "Where the runs and the report go (default: the file's experiment.dir, or runs/experiments/NAME)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every run's configuration and list the runs, then exit" };
        var reportOnly = new Option<bool>("--report") { Description = "Train nothing: write the report (summary.json, summary.md, plots/) from the runs already there" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Debug-level logging on the terminal (each run's log file has information level anyway)" };
        var command = new Command("experiment",
            """
            Run a grid: every cell (a pipeline plus overrides) with every seed, one run after another, each an ordinary run
            directory with its own ledger; then write summary.json, summary.md (mean ± sd over seeds) and plots/ (a curve per
            cell, mean with a min–max band over seeds). Run the same command again after a crash or Ctrl-C: finished runs
            are skipped, the interrupted one resumes from its last checkpoint. Shipped experiments: samples/experiments/.
            """);
        command.Add(file);
        command.Add(dir);
        command.Add(dryRun);
        command.Add(reportOnly);
        command.Add(verbose);
        command.SetAction(async (parse, cancellation) =>
        {
            var plan = ExperimentPlan.Load(parse.GetValue(file)!, parse.GetValue(dir));
            // Every run's configuration is checked before the first one starts: a typo fails now, not hours in.
            var runs = ExperimentRunner.Configure(plan);
            if (parse.GetValue(dryRun))
            {
                output.WriteLine($"OK: {plan.Name}: {plan.Cells.Count} cells × {plan.Seeds.Count} seeds = {plan.Cells.Count * plan.Seeds.Count} runs" +
                                 (plan.SharedWarmStart ? $" after {plan.Seeds.Count} shared warm starts" : "") + $", in {plan.Directory}");
                foreach (var run in runs)
                    output.WriteLine($"  {run.Label}: {run.Settings.Pipeline.Stages}, {run.Settings.Pipeline.RlSteps} RL steps, loss {run.Settings.Algorithm.Loss}" +
                                     (run.Cell is { Set.Count: > 0 } cell ? $" ({string.Join(", ", cell.Set)})" : ""));
                return ExitCodes.Ok;
            }
            if (!parse.GetValue(reportOnly))
            {
                output.WriteLine($"{plan.Name}: {runs.Count} runs, one after another, in {plan.Directory}");
                await ExperimentRunner.RunAsync(plan, runs, output, error, parse.GetValue(verbose), cancellation);
            }
            ExperimentOutputs.Write(plan);
            output.WriteLine();
            output.Write(File.ReadAllText(Path.Combine(plan.Directory, ExperimentReport.MarkdownFile)).Split("\nCells:")[0]);
            output.WriteLine($"Report: {Path.Combine(plan.Directory, ExperimentReport.MarkdownFile)} (and summary.json, plots/)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
