using Akka.Actor;
using Akka.Configuration;
using ActorRL.Engine.Configuration;
using Serilog;

namespace ActorRL.Engine.Cluster;

/// <summary><c>actorrl node --role generator</c>: joins a training cluster and generates until the learner leaves.</summary>
public static class GeneratorNode
{
    /// <returns>Why the node stopped (the learner finished or left).</returns>
    public static async Task<string> RunAsync(ActorRLSettings settings, Config akka, CancellationToken cancellation = default)
    {
        settings.Cluster.CheckFitsFrame(akka);
        using var system = ClusterTls.CreateSystem(ClusterNodeConfig.ActorSystemName, akka, settings.Cluster.Tls);
        var self = Akka.Cluster.Cluster.Get(system).SelfAddress;
        Log.Information("Generator node {Address}: joining {Seeds} with {Generators} generator(s)", self,
            string.Join(", ", Akka.Cluster.Cluster.Get(system).Settings.SeedNodes), settings.Cluster.NodeGenerators);
        var completion = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellation.Register(() => completion.TrySetCanceled(cancellation));
        using var compute = Training.TorchComputeSettings.Apply(settings.Run);
        var backends = GeneratorBackends.ForSettings(settings);
        system.ActorOf(Props.Create(() => new GeneratorNodeSupervisor(settings.Pipeline, settings.Cluster, backends, completion)), "node");
        // Downed by the learner's split-brain resolver (it saw this node unreachable): the cluster shuts this node's
        // actor system down, which also ends the node's run (a learner that died or is cut off ends it through
        // GeneratorNodeSupervisor's learner-lost-after instead). Any other shutdown is a failure: Akka.Remote
        // shuts a node down when its outbound TLS handshake fails (the peers' certificates do not share a CA).
        _ = system.WhenTerminated.ContinueWith(_ =>
        {
            if (completion.Task.IsCompleted) return; // the learner left first: the node's run already ended
            var reason = CoordinatedShutdown.Get(system).ShutdownReason;
            if (reason is null || reason == CoordinatedShutdown.ClusterDowningReason.Instance || reason == CoordinatedShutdown.ClusterLeavingReason.Instance)
                completion.TrySetResult("this node left the cluster (downed or shut down)");
            else
                completion.TrySetException(new Pipeline.ExplainedRunFailure(
                    $"this node's actor system shut down ({reason.GetType().Name}, exit code {reason.ExitCode}) before the learner ended the run" +
                    (settings.Cluster.Tls is null ? "" : "; after a TLS handshake failure, check that this node's certificate and the learner's both chain to actorrl.cluster.tls.ca (the log above says which side refused)")));
        }, TaskScheduler.Default);
        try
        {
            return await completion.Task;
        }
        finally
        {
            // Leaves the cluster gracefully (CoordinatedShutdown), so the learner requeues nothing it need not.
            await system.Terminate();
        }
    }
}
