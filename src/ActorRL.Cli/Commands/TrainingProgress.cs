using System.Globalization;
using Akka.Actor;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Commands;

/// <summary>Periodic one-line progress reports while a run is going (the plain-text view).</summary>
public static class TrainingProgress
{
    public static Func<ActorSystem, IActorRef, CancellationToken, Task> Observe(TextWriter output, TimeSpan? every = null) =>
        async (system, root, stop) =>
        {
            var period = every ?? TimeSpan.FromSeconds(10);
            var metrics = system.ActorSelection("/user/run/metrics");
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(period, stop);
                    var latest = await metrics.Ask<LatestMetrics>(GetLatestMetrics.Instance, TimeSpan.FromSeconds(5), stop);
                    var stats = await root.Ask<CoordinatorStats>(GetCoordinatorStats.Instance, TimeSpan.FromSeconds(5), stop);
                    output.WriteLine(Line(latest, stats));
                }
                catch (OperationCanceledException) { return; }
                catch (AskTimeoutException) { }
            }
        };

    private static string Line(LatestMetrics latest, CoordinatorStats stats)
    {
        string V(string kind, string key, string format = "F3") =>
            latest.ByKind.TryGetValue(kind, out var r) && r.Values.TryGetValue(key, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        if (!latest.ByKind.ContainsKey("rl") && latest.ByKind.TryGetValue("sft", out var sft))
            return $"warm start step {sft.Step}: loss {V("sft", "loss")}";
        var step = latest.ByKind.TryGetValue("rl", out var rl) ? rl.Step : 0;
        return $"rl step {step} v{stats.LearnerVersion}: reward {V("rl", "reward_mean")} acc {V("eval", "accuracy")} len {V("rl", "response_length_mean", "F1")} " +
               $"clip {V("rl", "clip_fraction")} entropy {V("rl", "entropy")} staleness {V("rl", "staleness_mean", "F2")}/{V("rl", "staleness_max", "F0")} " +
               $"step {V("rl", "learner_step_seconds", "F2")}s dropped {stats.DroppedStale}+{stats.DroppedUniform}";
    }
}
