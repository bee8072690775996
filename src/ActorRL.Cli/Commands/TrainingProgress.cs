using Akka.Actor;
using ActorRL.Cli.Live;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Pipeline;
using Serilog.Core;
using Serilog.Events;

namespace ActorRL.Cli.Commands;

/// <summary>
/// Connects a running pipeline to the live view: polls the metrics recorder and the coordinator, and draws a
/// Spectre panel on a terminal (console logging is quieted meanwhile, so lines do not tear the panel) or writes
/// structured progress lines when output is redirected.
/// </summary>
public static class TrainingProgress
{
    public static Func<ActorSystem, IActorRef, CancellationToken, Task> Observe(ActorRLSettings settings, LoggingLevelSwitch levels) =>
        async (system, root, stop) =>
        {
            var pipeline = settings.Pipeline;
            var warmStart = pipeline.Stages.WarmStart ? settings.WarmStart.Steps : 0;
            var plan = new LearnerPlan(warmStart, pipeline.RlSteps, pipeline.GroupsPerStep, pipeline.EvalEvery, pipeline.EvalSize > 0);
            var metrics = system.ActorSelection("/user/run/metrics");
            var timeout = TimeSpan.FromSeconds(5);
            CoordinatorStats? lastStats = null;
            var source = new LiveSnapshotSource(plan,
                () => metrics.Ask<LatestMetrics>(GetLatestMetrics.Instance, timeout, stop),
                async () => lastStats = await root.Ask<CoordinatorStats>(GetCoordinatorStats.Instance, timeout, stop),
                () => Task.FromResult(lastStats is null ? null : (GeneratorActivity?)new GeneratorActivity(
                    // Every generator that has asked for work, remote ones too (a cluster's learner node often has none of its own).
                    lastStats.Generators > 0 ? lastStats.Generators : pipeline.Generators, lastStats.GeneratorBusySeconds)));
            var view = LiveProgressView.ForStandardOutput();
            var previous = levels.MinimumLevel;
            // Warnings (drops, stalls) are on the panel and in the log file; only errors may interrupt the drawing.
            if (view.Interactive && previous < LogEventLevel.Error) levels.MinimumLevel = LogEventLevel.Error;
            try
            {
                await view.RunAsync(source.NextAsync, stop);
            }
            finally
            {
                levels.MinimumLevel = previous;
            }
        };
}
