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
