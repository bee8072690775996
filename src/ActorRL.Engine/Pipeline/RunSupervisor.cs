using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Routing;
using ActorRL.Engine.Pipeline.Lifecycle;
using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// The root of one run: starts the weights hub, verifier pool, coordinator, metrics recorder, watchdog, learner
/// and generators, and supervises them. A generator that throws is restarted with exponential back-off (its
/// prompts are regenerated, see <see cref="RolloutCoordinator"/>); a verifier or the metrics recorder is restarted
/// at once (a group it lost comes back when its lease ends). A failure of the learner, the coordinator or the
/// weights hub ends the run with one line, because their state is the run's; so does a stall the coordinator's
/// leases or the watchdog report. Nothing ends in a silent hang.
/// </summary>
public sealed class RunSupervisor : ReceiveActor
{
    public const string ModelDispatcher = "actorrl-model-dispatcher";
    public const string VerifierDispatcher = "actorrl-verifier-dispatcher";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PipelineParts _parts;
    private readonly TaskCompletionSource<RunSummary> _completion;
    private readonly DateTime _started = DateTime.UtcNow;
    private IActorRef _learner = ActorRefs.Nobody;
    private IActorRef _coordinator = ActorRefs.Nobody;
    private IActorRef _weights = ActorRefs.Nobody;
    private LearnerFinished? _finished;

    public RunSupervisor(PipelineParts parts, TaskCompletionSource<RunSummary> completion)
    {
        _parts = parts;
        _completion = completion;

        Receive<LearnerFinished>(f =>
        {
            _finished = f;
            _coordinator.Ask<CoordinatorStats>(GetCoordinatorStats.Instance, TimeSpan.FromSeconds(30)).PipeTo(Self);
        });
        Receive<CoordinatorStats>(stats =>
        {
            var f = _finished!;
            _completion.TrySetResult(new RunSummary(f.AccuracyBefore, f.AccuracyAfter, f.Steps, f.WarmStartSteps,
                (DateTime.UtcNow - _started).TotalSeconds, f.RlWallSeconds, f.Version, stats.GroupsConsumed,
                stats.DroppedStale, stats.DroppedUniform, stats.GenerationFailures, stats.VerifierFailures, stats.MaxObservedStaleness,
                stats.GroupsByNode, f.AlreadyComplete, stats.Quarantined, stats.LearnerWaitsForDueGroup,
                stats.GroupsRefusedFromOtherHolder, stats.GroupsRefusedMalformed));
        });
        Receive<GetCoordinatorStats>(m => _coordinator.Forward(m));
        Receive<Status.Failure>(f => _completion.TrySetException(f.Cause));
        Receive<PipelineStalled>(stalled => EndRun(stalled.Reason));
        Receive<RunSilent>(OnRunSilent);
    }

    /// <summary>Ends the run with one line (exit 1, no stack trace): the stall, or the failure of an actor whose state is the run's.</summary>
    private void EndRun(string reason)
    {
        _log.Error("The run cannot go on: {Reason}", reason);
        _completion.TrySetException(new PipelineStalledException(reason));
    }

    private void OnRunSilent(RunSilent silent)
    {
        // Ask the coordinator what the prompt book holds, to name the stuck stage; a coordinator that does not answer is the answer.
        var self = Self;
        var stallAfter = _parts.Pipeline.StallAfter;
        _coordinator.Ask<CoordinatorStats>(GetCoordinatorStats.Instance, TimeSpan.FromSeconds(5)).ContinueWith(t =>
        {
            var stats = t.IsCompletedSuccessfully ? t.Result : null;
            self.Tell(new PipelineStalled(StallExplanation.OfSilence(silent.Silence, stallAfter, silent.LastActor, silent.LastWhat,
                stats?.LearnerWaiting, stats?.Stages, stats?.PendingGeneratorRequests ?? 0)));
        });
    }

    // Akka's own failure logging is off: this decider logs every failure once, with the stack trace where it helps.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, -1, e =>
    {
        if (Sender.Equals(_learner) && e is ExplainedRunFailure)
        {
            _log.Error("The learner stopped: {Reason}", e.Message);
            _completion.TrySetException(e);
            return Directive.Stop;
        }
        if (Sender.Equals(_learner))
        {
            _log.Error(e, "The learner failed; the run cannot go on");
            _completion.TrySetException(new InvalidOperationException($"the learner failed: {e.Message}", e));
            return Directive.Stop;
        }
        if (Sender.Equals(_coordinator) || Sender.Equals(_weights))
        {
            // Their state (the prompt book; the subscribers and newest weights) is not recoverable in process, and a
            // restarted one would leave everyone waiting. The ledger's last checkpoint is exact, so end and resume.
            EndRun($"the {Sender.Path.Name} failed ({e.GetType().Name}: {e.Message}); its state cannot be rebuilt in this process");
            _log.Debug(e, "{Actor} failure", Sender.Path.Name);
            return Directive.Stop;
        }
        _log.Warning(e, "{Actor} failed ({Error}); restarting it", Sender.Path.Name, e.Message);
        return Directive.Restart;
    }, loggingEnabled: false);

    protected override void PreStart()
    {
        var pipeline = _parts.Pipeline;
        var weights = _weights = Context.ActorOf(Props.Create(() => new WeightsHub()), "weights");
        var metrics = Context.ActorOf(Props.Create(() => new MetricsRecorder(_parts.MetricsPath)), "metrics");
        var self = Self;
        Context.ActorOf(Props.Create(() => new Watchdog(pipeline.StallAfter, self, null, null)), "watchdog");
        var rewards = _parts.Rewards;
        var verifiers = Context.ActorOf(
            Props.Create(() => new VerifierActor(rewards)).WithRouter(new SmallestMailboxPool(pipeline.Verifiers)).WithDispatcher(VerifierDispatcher),
            "verifiers");
        var groupsWanted = (long)pipeline.RlSteps * pipeline.GroupsPerStep;
        var task = _parts.Task;
        _coordinator = Context.ActorOf(
            Props.Create(() => new RolloutCoordinator(pipeline, _parts.DynamicSampling, task, verifiers, weights, groupsWanted, _parts.Deterministic, _parts.Shape)),
            "coordinator");
        if (_parts.Cluster is { Enabled: true } cluster) Cluster.LearnerNode.Start(Context, weights, metrics, cluster);
        var plan = new LearnerPlan(_parts.WarmStartSteps, pipeline.RlSteps, pipeline.GroupsPerStep, pipeline.EvalEvery, _parts.EvaluateAround,
            _parts.StartCursor, _parts.Ledger);
        var trainer = _parts.Trainer;
        var probe = _parts.Probe;
        var coordinator = _coordinator;
        _learner = Context.ActorOf(
            Props.Create(() => new LearnerActor(plan, coordinator, weights, metrics, trainer, probe)).WithDispatcher(ModelDispatcher),
            "learner");
        for (var i = 0; i < pipeline.Generators; i++)
        {
            var index = i;
            var factory = _parts.GeneratorBackend;
            var perGeneration = pipeline.PromptsPerGeneration;
            var child = Props.Create(() => new GeneratorActor(coordinator, weights, () => factory(index), perGeneration))
                .WithDispatcher(ModelDispatcher);
            var name = $"generator-{i + 1}";
            var backoff = BackoffSupervisor.Props(
                Backoff.OnFailure(child, name, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), 0.2, -1)
                    .WithAutoReset(TimeSpan.FromSeconds(30)));
            Context.ActorOf(backoff, $"{name}-supervisor");
        }
    }
}
