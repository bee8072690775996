using Akka.Actor;
using Akka.Event;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// What a run adds when it is a cluster's learner node: the weight sender generator nodes subscribe to, and
/// cluster membership (the node seeds the cluster itself when no seed nodes are configured). Generator nodes
/// find the coordinator and the sender at these well-known paths on the member with role <c>learner</c>.
/// </summary>
public static class LearnerNode
{
    public const string Role = "learner";
    public const string CoordinatorPath = "/user/run/coordinator";
    public const string WeightSyncPath = "/user/run/weight-sync";

    /// <summary>Called by the run supervisor (the parent of the coordinator) at start.</summary>
    public static void Start(IUntypedActorContext context, IActorRef weights, IActorRef metrics, ClusterSettings settings)
    {
        context.ActorOf(Props.Create(() => new WeightSyncSender(weights, settings, metrics)).WithDispatcher(RunSupervisor.ModelDispatcher),
            "weight-sync");
        var cluster = Akka.Cluster.Cluster.Get(context.System);
        var log = context.GetLogger();
        if (cluster.Settings.SeedNodes.Count == 0)
        {
            // The learner is the first node: it joins itself, and generator nodes use its address as their seed.
            cluster.Join(cluster.SelfAddress);
        }
        log.Info("Learner node at {Address}: generator nodes join with `actorrl node --role generator --seed-nodes {Address}`",
            cluster.SelfAddress, cluster.SelfAddress);
    }
}
