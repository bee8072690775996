using Akka.Actor;
using Akka.Event;
using ActorRL.Core.Rollouts;
using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// The rollout bookkeeper: hands prompts to generators, routes finished groups through the verifiers into the
/// buffer, and serves batches to the learner. Everything is pull-based, so no mailbox grows without bound:
/// a generator asks for work, the learner asks for a batch.
///
/// Admission control at generation time (as AReaL does): a prompt is handed out only while the groups in
/// generation, in verification, waiting in the buffer, or in the batch the learner is training on now number
/// fewer than (η + 1)·B. A group started at learner version v then has at most (η + 1)·B − 1 groups ahead of
/// it, so it is consumed by a learner at version ≤ v + η — within the staleness bound by construction; the
/// buffer's check only catches the rare group that is overtaken. With η = 0 generators wait for each learner
/// step: classic synchronous RL.
///
/// A generator that restarts (or dies) gives back its unfinished work, and a group dropped for staleness
/// (overtaken by later ones) gives back its prompt: those prompts are handed out again, first, so no prompt is
/// skipped and none is counted twice. Groups dropped by dynamic sampling (all rewards equal) are used up: DAPO
/// moves on to new prompts.
/// </summary>
public sealed class RolloutCoordinator : ReceiveActor
{
    private sealed record Ticket(WorkItem Item, IActorRef Generator, long StartVersion, bool Verifying);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PipelineSettings _pipeline;
    private readonly IVerifiableTask _task;
    private PromptStream? _prompts;
    private readonly IActorRef _verifiers;
    private readonly IActorRef _weights;
    private readonly long _groupsWanted;
    private readonly RolloutBuffer _buffer;
    private readonly Dictionary<string, Ticket> _tickets = new();
    private readonly Queue<TaskPrompt> _requeued = new();
    private readonly Dictionary<string, TaskPrompt> _bufferedPrompts = new();
    private readonly Queue<(IActorRef Generator, int MaxPrompts)> _waitingGenerators = new();
    private readonly Dictionary<string, long> _verifierFailures = new();
    private readonly HashSet<IActorRef> _watched = new();
    private readonly Dictionary<string, string> _bufferedNode = new();
    private readonly Dictionary<string, long> _consumedByNode = new();
    private (IActorRef Learner, RequestBatch Request)? _waitingLearner;
    private long _learnerVersion;
    private long _attempts;
    private long _scored;
    private long _consumed;
    private long _generationFailures;
    private long _promptsRequeued;
    private long _tokens;
    private double _generatorBusySeconds;
    private int _maxStaleness;

    /// <param name="groupsWanted">Groups the learner will consume in total; no prompt is started beyond that.</param>
    public RolloutCoordinator(PipelineSettings pipeline, bool dynamicSampling, IVerifiableTask task, IActorRef verifiers, IActorRef weights, long groupsWanted)
    {
        _weights = weights;
        _pipeline = pipeline;
        _task = task;
        _verifiers = verifiers;
        _groupsWanted = groupsWanted;
        _buffer = new RolloutBuffer(pipeline.MaxStaleness, dynamicSampling);

        Receive<RequestWork>(OnRequestWork);
        Receive<GroupGenerated>(OnGroupGenerated);
        Receive<GroupScored>(OnGroupScored);
        Receive<GeneratorReset>(r => GiveBackWorkOf(r.Generator, r.Reason));
        Receive<Terminated>(t => GiveBackWorkOf(t.ActorRef, "stopped"));
        Receive<RequestBatch>(r =>
        {
            AdvanceVersion(r.LearnerVersion);
            _waitingLearner = (Sender, r);
            ServeLearner();
        });
        Receive<WeightsPublished>(w => AdvanceVersion(w.Version));
        Receive<StartGenerating>(OnStart);
        Receive<GetCoordinatorStats>(_ => Sender.Tell(Stats()));
    }

    protected override void PreStart() => _weights.Tell(new SubscribeWeights(Self));

    /// <summary>Groups handed to the learner whose update has not been published yet.</summary>
    private int _inTraining;

    private int Open => _tickets.Count + _buffer.Count + _inTraining;

    /// <summary>Groups that could still be consumed if everything open now is used.</summary>
    private long StillNeeded => _groupsWanted - _consumed - _tickets.Count - _buffer.Count;

    private void OnStart(StartGenerating start)
    {
        if (_prompts is not null)
        {
            _log.Warning("Ignoring a second StartGenerating");
            return;
        }
        _prompts = new PromptStream(_task, PromptCursor.Parse(start.Position.Cursor));
        foreach (var position in start.Position.Outstanding) _requeued.Enqueue(_task.PromptAt(PromptCursor.Parse(position)));
        _consumed = start.Position.GroupsConsumed;
        if (start.Position.Outstanding.Count > 0)
            _log.Info("Starting at prompt {Cursor}; first regenerating {Count} prompts in flight at the checkpoint", start.Position.Cursor, start.Position.Outstanding.Count);
        _learnerVersion = Math.Max(_learnerVersion, start.Version);
        HandOutWork();
    }

    /// <summary>Where the prompt stream stands now (see <see cref="PromptPosition"/>).</summary>
    private PromptPosition Position() => new(
        _prompts!.Position.ToString(),
        _requeued.Select(p => p.Position.ToString())
            .Concat(_tickets.Values.Select(t => t.Item.Prompt.Position.ToString()))
            .Concat(_bufferedPrompts.Values.Select(p => p.Position.ToString()))
            .ToList(),
        _consumed);

    private void AdvanceVersion(long version)
    {
        if (version <= _learnerVersion) return;
        _learnerVersion = version;
        _inTraining = 0;
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
        if (_prompts is null) return;
        while (_waitingGenerators.Count > 0)
        {
            var room = Math.Min(_pipeline.AdmissionCapacity - Open, StillNeeded);
            if (room <= 0) return;
            var (generator, max) = _waitingGenerators.Dequeue();
            var count = (int)Math.Min(room, max);
            var items = new List<WorkItem>(count);
            for (var i = 0; i < count; i++)
            {
                var prompt = _requeued.Count > 0 ? _requeued.Dequeue() : _prompts.Next();
                var item = new WorkItem($"{prompt.Id}#{++_attempts}", prompt);
                _tickets[item.GroupId] = new Ticket(item, generator, _learnerVersion, Verifying: false);
                items.Add(item);
            }
            generator.Tell(new WorkAssigned(items, _learnerVersion));
        }
    }

    private void OnGroupGenerated(GroupGenerated message)
    {
        var group = message.Group;
        if (!_tickets.TryGetValue(group.GroupId, out var ticket))
        {
            // Work given back after a reset, then finished anyway by the old incarnation: already requeued.
            _log.Debug("Ignoring group {GroupId}: its ticket was given back", group.GroupId);
            return;
        }
        _tickets[group.GroupId] = ticket with { Verifying = true };
        _tokens += message.TokensGenerated;
        _generatorBusySeconds += message.Busy.TotalSeconds;
        _verifiers.Tell(new VerifyGroup(group));
    }

    private void OnGroupScored(GroupScored message)
    {
        var group = message.Group;
        if (!_tickets.Remove(group.GroupId, out var ticket)) return;
        _scored++;
        foreach (var (kind, count) in message.VerifierFailures)
            _verifierFailures[kind] = _verifierFailures.GetValueOrDefault(kind) + count;
        var dropped = _buffer.Offer(group, _learnerVersion);
        if (dropped is null)
        {
            _bufferedPrompts[group.GroupId] = ticket.Item.Prompt;
            _bufferedNode[group.GroupId] = NodeOf(ticket.Generator);
        }
        else
        {
            _log.Debug("Dropped group {GroupId} ({Reason}); staleness {Staleness}", group.GroupId, dropped, group.Staleness(_learnerVersion));
            if (dropped == DropReason.TooStale) Regenerate(ticket.Item.Prompt);
        }
        ServeLearner();
        HandOutWork();
    }

    private void ServeLearner()
    {
        if (_waitingLearner is not { } waiting) return;
        var batch = _buffer.TryTake(waiting.Request.Groups, waiting.Request.LearnerVersion, out var droppedNow);
        if (droppedNow.Count > 0)
            _log.Warning("Dropped {Count} groups that went stale in the buffer (η = {MaxStaleness}); their prompts will be generated again",
                droppedNow.Count, _pipeline.MaxStaleness);
        foreach (var stale in droppedNow)
        {
            _log.Debug("Stale in buffer: {GroupId} started at v{Start}, oldest token v{Oldest}, learner v{Learner}",
                stale.GroupId, stale.StartVersion, stale.OldestTokenVersion, waiting.Request.LearnerVersion);
            _bufferedNode.Remove(stale.GroupId);
            if (_bufferedPrompts.Remove(stale.GroupId, out var prompt)) Regenerate(prompt);
        }
        if (batch is null)
        {
            if (droppedNow.Count > 0) HandOutWork();
            return;
        }
        foreach (var g in batch)
        {
            _maxStaleness = Math.Max(_maxStaleness, (int)g.Staleness(waiting.Request.LearnerVersion));
            _bufferedPrompts.Remove(g.GroupId);
            if (_bufferedNode.Remove(g.GroupId, out var node)) _consumedByNode[node] = _consumedByNode.GetValueOrDefault(node) + 1;
        }
        _consumed += batch.Count;
        _inTraining = batch.Count;
        _waitingLearner = null;
        waiting.Learner.Tell(new BatchReady(batch, Position()));
        HandOutWork();
    }

    private void Regenerate(TaskPrompt prompt)
    {
        _requeued.Enqueue(prompt);
        _promptsRequeued++;
    }

    private void GiveBackWorkOf(IActorRef generator, string reason)
    {
        var lost = _tickets.Values.Where(t => t.Generator.Equals(generator) && !t.Verifying).ToList();
        foreach (var ticket in lost)
        {
            _tickets.Remove(ticket.Item.GroupId);
            _requeued.Enqueue(ticket.Item.Prompt);
        }
        if (lost.Count > 0)
        {
            _generationFailures++;
            _promptsRequeued += lost.Count;
            _log.Warning("Generator {Generator} {Reason}; {Count} prompts will be generated again", generator.Path.Name, reason, lost.Count);
        }
        var remaining = _waitingGenerators.Where(w => !w.Generator.Equals(generator)).ToList();
        _waitingGenerators.Clear();
        foreach (var w in remaining) _waitingGenerators.Enqueue(w);
        HandOutWork();
    }

    /// <summary>"local" for this node's generators, else the generator node's address (akka.tcp://actorrl@host:port).</summary>
    private static string NodeOf(IActorRef generator) =>
        generator.Path.Address.HasLocalScope ? "local" : generator.Path.Address.ToString();

    private CoordinatorStats Stats() => new(
        _learnerVersion,
        _tickets.Count,
        _buffer.Count,
        _pipeline.AdmissionCapacity,
        _scored,
        _consumed,
        _buffer.DroppedStale,
        _buffer.DroppedUniform,
        _generationFailures,
        _promptsRequeued,
        new Dictionary<string, long>(_verifierFailures),
        _tokens,
        _maxStaleness,
        _waitingGenerators.Count,
        _prompts?.Position.ToString() ?? "not started",
        _generatorBusySeconds,
        new Dictionary<string, long>(_consumedByNode));
}
