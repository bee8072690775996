using System.CommandLine;
using ActorRL.Cli.Plotting;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl plot RUN_DIR [--out DIR]</c>: PNG curves from a run's metrics.jsonl.</summary>
public static class PlotCommand
{
    public const string MetricsFile = "metrics.jsonl";
    public const string DefaultOutput = "plots";

    public static Command Build(TextWriter output)
    {
        var run = new Argument<string>("RUN_DIR") { Description = $"A run directory (holding {MetricsFile}), or a {MetricsFile} file itself" };
        var outDirectory = new Option<string?>("--out") { HelpName = "DIR", Description = $"Directory for the PNGs (default: RUN_DIR/{DefaultOutput})" };
        var command = new Command("plot",
            "Render PNG curves (reward, accuracy, length, clip fraction, entropy, staleness, losses, learner time) and an overview grid from a run directory");
        command.Add(run);
        command.Add(outDirectory);
        command.SetAction(parse => Run(parse.GetValue(run)!, parse.GetValue(outDirectory), output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Exit 0 with the charts written; a missing metrics file is a <see cref="UsageException"/> (exit 2).</summary>
    public static int Run(string runPath, string? outDirectory, TextWriter output, TextWriter error)
    {
        var metricsPath = Directory.Exists(runPath) ? Path.Combine(runPath, MetricsFile) : runPath;
        if (!File.Exists(metricsPath))
            throw new UsageException(Directory.Exists(runPath)
                ? $"plot: {runPath} has no {MetricsFile} (is it a run directory? runs write it as training proceeds)"
                : $"plot: no such run directory or metrics file: {runPath}");
        var log = MetricsLog.Read(metricsPath);
        if (log.SkippedLines.Count > 0)
            error.WriteLine($"actorrl plot: warning: skipped {log.SkippedLines.Count} malformed line(s) of {metricsPath} " +
                            $"(line {string.Join(", ", log.SkippedLines.Take(10))}{(log.SkippedLines.Count > 10 ? ", …" : "")})");
        if (log.Records.Count == 0)
        {
            error.WriteLine($"actorrl plot: {metricsPath} has no metrics records yet; nothing to plot.");
            return ExitCodes.RuntimeFailure;
        }

        var target = outDirectory ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(metricsPath))!, DefaultOutput);
        var report = RunPlotter.Write(log, target);
        output.WriteLine($"Wrote {report.Files.Count} chart(s) from {report.Records} record(s) to {target}:");
        output.WriteLine("  " + string.Join(", ", report.Files.Select(Path.GetFileName)));
        if (report.ConstantMetrics.Count > 0)
            output.WriteLine($"Constant for the whole run, not plotted: {string.Join(", ", report.ConstantMetrics)}");
        return ExitCodes.Ok;
    }
}
