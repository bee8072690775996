using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline.Lifecycle;
using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// The rollout bookkeeper's actor: hands prompts to generators, routes finished groups through the verifiers into
/// the buffer, and serves batches to the learner. Everything is pull-based, so no mailbox grows without bound: a
/// generator asks for work, the learner asks for a batch.
///
/// Which prompt is where, admission control, staleness, leases and quarantine are the <see cref="PromptBook"/>'s;
/// this actor only translates messages into calls on it, keeps the counters that are not about prompts (tokens,
/// busy time, verifier failures), and ends the run when the book reports a stall. Its state is not recoverable in
/// process, so the run supervisor ends the run if it fails; a resume starts from the last checkpoint exactly.
/// </summary>
public sealed class RolloutCoordinator : ReceiveActor, IWithTimers
{
    private sealed class ExpireLeases
    {
        public static readonly ExpireLeases Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PipelineSettings _pipeline;
    private readonly bool _dynamicSampling;
    private readonly IVerifiableTask _task;
    private readonly IActorRef _verifiers;
    private readonly IActorRef _weights;
    private readonly long _groupsWanted;
    private readonly bool _inWaves;
    private readonly GroupShape? _shape;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Queue<(IActorRef Generator, int MaxPrompts)> _waitingGenerators = new();
    private readonly Dictionary<string, long> _verifierFailures = new();
    private readonly HashSet<IActorRef> _watched = new();
    private PromptBook? _book;
    private (IActorRef Learner, RequestBatch Request)? _waitingLearner;
    private long _learnerVersion;
    private long _scored;
    private long _tokens;
    private double _generatorBusySeconds;

    /// <param name="groupsWanted">Groups the learner will consume in total; no prompt is started beyond that.</param>
    /// <param name="inWaves">A deterministic run: prompts go out in waves (<see cref="PromptBookShape.InWaves"/>).</param>
    /// <param name="shape">What a generated group must look like (sizes, token ids); null: not checked (synthetic tests).</param>
    public RolloutCoordinator(PipelineSettings pipeline, bool dynamicSampling, IVerifiableTask task, IActorRef verifiers, IActorRef weights, long groupsWanted,
        bool inWaves = false, GroupShape? shape = null)
    {
        _inWaves = inWaves;
        _shape = shape;
        _pipeline = pipeline;
        _dynamicSampling = dynamicSampling;
        _task = task;
        _verifiers = verifiers;
        _weights = weights;
        _groupsWanted = groupsWanted;

        Receive<StartGenerating>(OnStart);
        Receive<RequestWork>(OnRequestWork);
        Receive<GroupGenerated>(OnGroupGenerated);
        Receive<GroupScored>(OnGroupScored);
        Receive<GeneratorReset>(r => OnGeneratorLost(r.Generator, r.Reason));
        Receive<Terminated>(t =>
        {
            _watched.Remove(t.ActorRef);
            OnGeneratorLost(t.ActorRef, "stopped");
        });
        Receive<RequestBatch>(r =>
        {
            AdvanceVersion(r.LearnerVersion);
            _waitingLearner = (Sender, r);
            ServeLearner();
        });
        Receive<WeightsPublished>(w => AdvanceVersion(w.Version));
        Receive<ExpireLeases>(_ => OnExpireLeases());
        Receive<GetCoordinatorStats>(_ => Sender.Tell(Stats()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private TimeSpan Now => _clock.Elapsed;

    protected override void PreStart()
    {
        _weights.Tell(new SubscribeWeights(Self));
        // Leases are checked often enough to act within a quarter of the shortest one (and at most once a second).
        var leases = _pipeline.PromptLeases;
        var shortest = new[] { leases.Generation, leases.Verification, leases.Stall }.Min();
        var period = TimeSpan.FromMilliseconds(Math.Clamp(shortest.TotalMilliseconds / 4, 20, 1000));
        Timers.StartPeriodicTimer("expire-leases", ExpireLeases.Instance, period);
    }

    private void OnStart(StartGenerating start)
    {
        if (_book is not null)
        {
            _log.Warning("Ignoring a second StartGenerating");
            return;
        }
        var shape = new PromptBookShape(_pipeline.MaxStaleness, _pipeline.AdmissionCapacity, _groupsWanted, _dynamicSampling, _inWaves);
        _book = new PromptBook(_task, start.Position, shape, _pipeline.PromptLeases, Now);
        if (start.Position.Outstanding.Count > 0)
            _log.Info("Starting at prompt {Cursor}; first regenerating {Count} prompts in flight at the checkpoint", start.Position.Cursor, start.Position.Outstanding.Count);
        _learnerVersion = Math.Max(_learnerVersion, start.Version);
        HandOutWork();
    }

    private void AdvanceVersion(long version)
    {
        if (version <= _learnerVersion) return;
        _learnerVersion = version;
        _book?.Trained();
        ServeLearner();
        HandOutWork();
    }

    private void OnRequestWork(RequestWork request)
    {
        if (_watched.Add(Sender)) Context.Watch(Sender);
        _waitingGenerators.Enqueue((Sender, request.MaxPrompts));
        HandOutWork();
    }

    private void HandOutWork()
    {
        if (_book is null) return;
        while (_waitingGenerators.TryPeek(out var waiting))
        {
            // Generators sample with the newest weights less the policy lag: the version the prompts' deadlines count from.
            var version = Math.Max(0, _learnerVersion - _pipeline.PolicyLag);
            var items = _book.Draw(HolderOf(waiting.Generator), NodeOf(waiting.Generator), waiting.MaxPrompts, version, Now);
            if (items.Count == 0) return;
            _waitingGenerators.Dequeue();
            waiting.Generator.Tell(new WorkAssigned(items, _learnerVersion));
        }
    }

    private void OnGroupGenerated(GroupGenerated message)
    {
        if (_book is null) return;
        var quarantined = _book.Quarantined.Count;
        var prompt = _book.PromptOf(message.Group.GroupId);
        var malformed = _shape?.Problem(message.Group, prompt);
        switch (_book.Generated(message.Group.GroupId, Now, HolderOf(Sender), malformed))
        {
            case GroupArrival.NotCurrent:
                // Given back after a reset or an expired lease, then finished anyway: the prompt is already queued again.
                _log.Debug("Ignoring group {GroupId}: not a current attempt", message.Group.GroupId);
                return;
            case GroupArrival.FromAnotherHolder:
                _log.Warning("Refused group {GroupId} from {Sender}: its attempt was issued to another generator", message.Group.GroupId, Sender.Path);
                return;
            case GroupArrival.Malformed:
                _log.Warning("Refused group {GroupId} from {Sender}: {Problem}; its prompt will be generated again", message.Group.GroupId, Sender.Path, malformed);
                foreach (var q in _book.Quarantined.Skip(quarantined)) LogQuarantined(q);
                ServeLearner();
                HandOutWork();
                return;
        }
        _tokens += message.TokensGenerated;
        _generatorBusySeconds += message.Busy.TotalSeconds;
        _verifiers.Tell(new VerifyGroup(Trusted(message.Group, prompt!)));
        // The watchdog hears of every group here, remote generators' too (they publish on their own node).
        Context.System.EventStream.Publish(new Progress(Self.Path.Name, "group generated"));
    }

    /// <summary>
    /// A generator's group with what only this side may say put back: the prompt's id, text and gold answer from the
    /// prompt book, the responses' texts decoded here from their token ids (<see cref="GroupShape.OwnTexts"/>), and
    /// every reward unscored (the verifiers score it next). A generator that sent its own gold answer, text or
    /// rewards changes nothing.
    /// </summary>
    private RolloutGroup Trusted(RolloutGroup group, TaskPrompt prompt) => group with
    {
        PromptId = prompt.Id,
        PromptText = prompt.Text,
        Gold = prompt.Gold,
        Rollouts = group.Rollouts
            .Select(r => (_shape?.OwnTexts(r) ?? r) with { Reward = 0, RewardParts = null, VerifierOutcome = "unscored" }).ToList(),
    };

    private void OnGroupScored(GroupScored message)
    {
        var group = message.Group;
        var outcome = _book?.Scored(group, _learnerVersion, Now) ?? ScoredOutcome.Ignored;
        if (outcome == ScoredOutcome.Ignored) return;
        _scored++;
        foreach (var (kind, count) in message.VerifierFailures)
            _verifierFailures[kind] = _verifierFailures.GetValueOrDefault(kind) + count;
        if (outcome != ScoredOutcome.Buffered)
            _log.Debug("Dropped group {GroupId} ({Reason}); staleness {Staleness}", group.GroupId, outcome, group.Staleness(_learnerVersion));
        Context.System.EventStream.Publish(new Progress(Self.Path.Name, "group scored"));
        ServeLearner();
        HandOutWork();
    }

    private void ServeLearner()
    {
        if (_book is null || _waitingLearner is not { } waiting) return;
        var waits = _book.WaitsForDue;
        var batch = _book.TakeBatch(waiting.Request.Groups, waiting.Request.LearnerVersion, Now, out var droppedNow);
        if (_book.WaitsForDue > waits)
            _log.Debug("Learner at version {Version} waits for a group still being generated or verified that it is the last to be able to train",
                waiting.Request.LearnerVersion);
        if (droppedNow.Count > 0)
            _log.Warning("Dropped {Count} groups that went stale in the buffer (η = {MaxStaleness}); their prompts will be generated again",
                droppedNow.Count, _pipeline.MaxStaleness);
        if (batch is null)
        {
            if (droppedNow.Count > 0) HandOutWork();
            return;
        }
        _waitingLearner = null;
        waiting.Learner.Tell(new BatchReady(batch, _book.Position()));
        HandOutWork();
    }

    private void OnGeneratorLost(IActorRef generator, string reason)
    {
        if (_book is not null)
        {
            var attempts = _book.FailedAttempts;
            var quarantined = _book.GeneratorLost(HolderOf(generator), reason, Now);
            if (_book.FailedAttempts > attempts)
                _log.Warning("Generator {Generator} {Reason}; {Count} prompts will be generated again", generator.Path.Name, reason,
                    _book.FailedAttempts - attempts - quarantined.Count);
            foreach (var q in quarantined) LogQuarantined(q);
        }
        var remaining = _waitingGenerators.Where(w => !w.Generator.Equals(generator)).ToList();
        _waitingGenerators.Clear();
        foreach (var w in remaining) _waitingGenerators.Enqueue(w);
        // The learner may have been waiting for a due group that generator held; it is queued again now (and serving
        // the learner hands out work, so only once the lost generator is out of the queue).
        ServeLearner();
        HandOutWork();
    }

    private void OnExpireLeases()
    {
        if (_book is null) return;
        var stalls = new List<LeaseExpired>();
        var failed = false;
        foreach (var expired in _book.Expire(Now))
        {
            if (expired.Stalled)
            {
                stalls.Add(expired);
                continue;
            }
            failed = true;
            _log.Warning("Prompt {PromptId} ({Position}): the {Stage} lease expired after {Seconds:0} s{Holder}; {What}",
                expired.PromptId, expired.Position, StallExplanation.Describe(expired.Stage), expired.Held.TotalSeconds,
                expired.Holder is null ? "" : $" ({expired.Holder})", expired.Quarantined ? "quarantined" : "it will be generated again");
            if (expired.Quarantined) LogQuarantined(_book.Quarantined[^1]);
        }
        // The learner may have been waiting for a due group whose attempt just failed: it waits no longer.
        if (failed) ServeLearner();
        if (stalls.Count > 0)
        {
            // The stage furthest down the pipeline says most: a batch stuck in training explains the buffered groups behind it.
            var first = stalls.MaxBy(x => x.Stage)!;
            Context.Parent.Tell(new PipelineStalled(
                $"{stalls.Count(x => x.Stage == first.Stage)} prompt(s) sat {StallExplanation.Describe(first.Stage)} for {first.Held.TotalSeconds:0} s (pipeline.stall-after = {_pipeline.StallAfter.TotalSeconds:0} s); " +
                StallExplanation.Of(first.Stage, _waitingLearner is not null, _waitingGenerators.Count, CensusLine())));
        }
        HandOutWork();
    }

    private void LogQuarantined(QuarantinedPrompt q) =>
        _log.Error("Quarantined prompt {PromptId} ({Position}) after {Failures} failed attempts (last: {LastFailure}); the run goes on without it",
            q.PromptId, q.Position, q.Failures, q.LastFailure);

    private string CensusLine() => _book is null ? "not started" : StallExplanation.Census(_book.Census(Now));

    /// <summary>One generator incarnation: its path with node address and uid (a restarted generator is a new holder, so the
    /// old one's late Terminated never fails the new one's work).</summary>
    private static string HolderOf(IActorRef generator) => $"{generator.Path.ToStringWithAddress()}#{generator.Path.Uid}";

    /// <summary>"local" for this node's generators, else the generator node's address (akka.tcp://actorrl@host:port).</summary>
    private static string NodeOf(IActorRef generator) =>
        generator.Path.Address.HasLocalScope ? "local" : generator.Path.Address.ToString();

    private CoordinatorStats Stats() => new(
        _learnerVersion,
        _book?.Count(PromptStage.Generating) + _book?.Count(PromptStage.Verifying) ?? 0,
        _book?.Count(PromptStage.Buffered) ?? 0,
        _pipeline.AdmissionCapacity,
        _scored,
        _book?.GroupsTaken ?? 0,
        _book?.DroppedStale ?? 0,
        _book?.DroppedUniform ?? 0,
        _book?.FailedAttempts ?? 0,
        _book?.Requeued ?? 0,
        new Dictionary<string, long>(_verifierFailures),
        _tokens,
        _book?.MaxStalenessTaken ?? 0,
        _waitingGenerators.Count,
        _book?.Cursor ?? "not started",
        _generatorBusySeconds,
        _book is null ? new Dictionary<string, long>() : new Dictionary<string, long>(_book.TakenByNode),
        _book?.Quarantined.ToList() ?? [],
        _book?.Census(Now) ?? [],
        _waitingLearner is not null,
        _book?.WaitsForDue ?? 0,
        _book?.RefusedFromOtherHolder ?? 0,
        _book?.RefusedMalformed ?? 0,
        _watched.Count);
}
