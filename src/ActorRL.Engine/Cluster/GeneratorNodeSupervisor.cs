using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Pattern;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// The root of a generator node. Waits for the cluster member with role <c>learner</c>, resolves its coordinator
/// and weight sender, then starts the node's weights hub, a <see cref="WeightSyncReceiver"/> and the generators
/// — the same <see cref="GeneratorActor"/>s as on the learner node, pulling work from the remote coordinator.
/// The node's run ends when the learner leaves (its coordinator terminates); the coordinator requeues the work
/// of any generator of ours that dies, including all of them when this node is killed.
/// </summary>
public sealed class GeneratorNodeSupervisor : ReceiveActor, IWithTimers
{
    private sealed record LearnerFound(Address Address, IActorRef Coordinator, IActorRef WeightSync);
    private sealed record Resolve(Address Address);
    private sealed class JoinTimedOut
    {
        public static readonly JoinTimedOut Instance = new();
    }

    private sealed record LearnerLost(Address Address);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PipelineSettings _pipeline;
    private readonly ClusterSettings _settings;
    private readonly Func<int, IRolloutBackend> _backends;
    private readonly TaskCompletionSource<string> _completion;
    private IActorRef? _coordinator;
    private Address? _learner;

    public GeneratorNodeSupervisor(PipelineSettings pipeline, ClusterSettings settings, Func<int, IRolloutBackend> backends, TaskCompletionSource<string> completion)
    {
        _pipeline = pipeline;
        _settings = settings;
        _backends = backends;
        _completion = completion;

        Receive<ClusterEvent.MemberUp>(up =>
        {
            if (_learner is null && up.Member.HasRole(LearnerNode.Role)) Self.Tell(new Resolve(up.Member.Address));
        });
        Receive<Resolve>(r => ResolveLearner(r.Address));
        Receive<LearnerFound>(OnLearnerFound);
        Receive<Status.Failure>(f =>
        {
            _log.Info("Learner actors not reachable yet ({Error}); retrying", f.Cause.Message);
            if (_learner is { } address && _coordinator is null) Timers.StartSingleTimer("resolve", new Resolve(address), TimeSpan.FromSeconds(1));
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            if (removed.Member.Address.Equals(_learner)) _completion.TrySetResult($"the learner at {_learner} left the cluster");
        });
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_coordinator)) _completion.TrySetResult($"the learner's coordinator at {_learner} stopped");
        });
        Receive<JoinTimedOut>(_ =>
        {
            if (_coordinator is null)
                _completion.TrySetException(new TimeoutException(
                    $"no learner joined the cluster within actorrl.cluster.join-timeout ({_settings.JoinTimeout.TotalSeconds:0.#} s); " +
                    $"seed nodes: {string.Join(", ", Akka.Cluster.Cluster.Get(Context.System).Settings.SeedNodes)}"));
        });
        // Generator nodes down no one (ClusterNodeConfig): a learner unreachable for learner-lost-after ends the node.
        Receive<ClusterEvent.UnreachableMember>(u =>
        {
            if (u.Member.HasRole(LearnerNode.Role) && u.Member.Address.Equals(_learner))
                Timers.StartSingleTimer("learner-lost", new LearnerLost(u.Member.Address), _settings.LearnerLost);
        });
        Receive<ClusterEvent.ReachableMember>(r =>
        {
            if (r.Member.Address.Equals(_learner)) Timers.Cancel("learner-lost");
        });
        Receive<LearnerLost>(lost => _completion.TrySetResult(
            $"the learner at {lost.Address} has been unreachable for {_settings.LearnerLost.TotalSeconds:0.#} s (actorrl.cluster.learner-lost-after)"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartSingleTimer("join-timeout", JoinTimedOut.Instance, _settings.JoinTimeout);
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private void ResolveLearner(Address address)
    {
        _learner = address;
        var timeout = TimeSpan.FromSeconds(10);
        var coordinator = Context.ActorSelection(new RootActorPath(address) + LearnerNode.CoordinatorPath).ResolveOne(timeout);
        var weightSync = Context.ActorSelection(new RootActorPath(address) + LearnerNode.WeightSyncPath).ResolveOne(timeout);
        Task.WhenAll(coordinator, weightSync).ContinueWith(t => t.IsCompletedSuccessfully
            ? (object)new LearnerFound(address, t.Result[0], t.Result[1])
            : new Status.Failure(t.Exception?.GetBaseException() ?? new TaskCanceledException()), TaskScheduler.Default).PipeTo(Self);
    }

    private void OnLearnerFound(LearnerFound found)
    {
        if (_coordinator is not null) return;
        _coordinator = found.Coordinator;
        Context.Watch(found.Coordinator);
        var weights = Context.ActorOf(Props.Create(() => new WeightsHub()), "weights");
        var settings = _settings;
        var source = found.WeightSync;
        Context.ActorOf(Props.Create(() => new WeightSyncReceiver(source, weights, settings)).WithDispatcher(RunSupervisor.ModelDispatcher), "weight-sync");
        var coordinator = found.Coordinator;
        for (var i = 0; i < _settings.NodeGenerators; i++)
        {
            var index = i;
            var backends = _backends;
            var perGeneration = _pipeline.PromptsPerGeneration;
            var child = Props.Create(() => new GeneratorActor(coordinator, weights, () => backends(index), perGeneration))
                .WithDispatcher(RunSupervisor.ModelDispatcher);
            var name = $"generator-{i + 1}";
            Context.ActorOf(BackoffSupervisor.Props(
                Backoff.OnFailure(child, name, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), 0.2, -1)
                    .WithAutoReset(TimeSpan.FromSeconds(30))), $"{name}-supervisor");
        }
        _log.Info("Joined the learner at {Address}: {Generators} generator(s) start once its weights arrive", found.Address, _settings.NodeGenerators);
    }
}
