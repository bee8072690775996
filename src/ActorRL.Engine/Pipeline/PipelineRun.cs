using Akka.Actor;
using Akka.Configuration;

namespace ActorRL.Engine.Pipeline;

/// <summary>Runs one pipeline in its own actor system and returns its summary.</summary>
public static class PipelineRun
{
    /// <param name="observe">Called with the running system and the run's root actor (live view, tests).</param>
    public static async Task<RunSummary> ExecuteAsync(PipelineParts parts, Config akkaConfig, string systemName = "actorrl",
        Func<ActorSystem, IActorRef, CancellationToken, Task>? observe = null, CancellationToken cancellation = default)
    {
        using var system = Cluster.ClusterTls.CreateSystem(systemName, akkaConfig, parts.Cluster?.Tls);
        var completion = new TaskCompletionSource<RunSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellation.Register(() => completion.TrySetCanceled(cancellation));
        var root = system.ActorOf(Props.Create(() => new RunSupervisor(parts, completion)), "run");
        // The actor system can end under the run (a cluster node downed, remoting shut down after a failed TLS
        // handshake): the run then ends with that reason instead of waiting forever for a summary.
        _ = system.WhenTerminated.ContinueWith(_ =>
        {
            if (completion.Task.IsCompleted) return; // the normal end: the run finished, then the system was stopped
            completion.TrySetException(new ExplainedRunFailure(
                $"the learner's actor system shut down ({CoordinatedShutdown.Get(system).ShutdownReason?.GetType().Name ?? "terminated"}) before the run ended; " +
                "the log above says why. Run the same command again to resume from the last checkpoint"));
        }, TaskScheduler.Default);
        using var observerStop = new CancellationTokenSource();
        var observer = observe is null ? Task.CompletedTask : observe(system, root, observerStop.Token);
        try
        {
            return await completion.Task;
        }
        finally
        {
            await observerStop.CancelAsync();
            try { await observer; } catch (OperationCanceledException) { }
            await system.Terminate();
        }
    }
}
