using System.Diagnostics;
using Akka.Actor;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// Samples groups with its own copy of the policy, on its own thread (a pinned dispatcher). Decoding proceeds
/// one step per message to itself, so a <see cref="WeightsPublished"/> that arrives mid-generation is handled
/// between two decoding steps (an in-flight weight update), and so is new work: a continuous generation asks for
/// more prompts whenever it has room and takes them in while it decodes, and every group goes to the coordinator the
/// moment its last response ends.
/// </summary>
public sealed class GeneratorActor : ReceiveActor, IWithUnboundedStash
{
    private sealed class DecodeStep
    {
        public static readonly DecodeStep Instance = new();
    }

    private readonly IActorRef _coordinator;
    private readonly Func<IRolloutBackend> _backendFactory;
    private readonly int _promptsPerGeneration;
    private readonly string _name;
    private IRolloutBackend? _backend;
    private IGroupGeneration? _current;
    private readonly IActorRef _weights;
    private bool _started;
    private bool _asking; // a RequestWork is with the coordinator
    private readonly Stopwatch _busy = new();

    public GeneratorActor(IActorRef coordinator, IActorRef weights, Func<IRolloutBackend> backendFactory, int promptsPerGeneration)
    {
        _coordinator = coordinator;
        _weights = weights;
        _backendFactory = backendFactory;
        _promptsPerGeneration = promptsPerGeneration;
        _name = Self.Path.Name;

        Receive<WeightsPublished>(w =>
        {
            // Handled between two decoding steps: in-flight responses continue on the new weights.
            if (w.Version > _backend!.Version || !_started) _backend.LoadWeights(w);
            Stash.UnstashAll();
            if (_started) return;
            // A new generator has no weights until the hub sends the current version; only then it asks for work.
            _started = true;
            AskForWork();
        });
        Receive<WorkAssigned>(work => GivingBackOnFailure(() => OnWorkAssigned(work)));
        Receive<DecodeStep>(_ => GivingBackOnFailure(OnDecodeStep));
    }

    protected override void PreStart()
    {
        _backend = _backendFactory();
        _weights.Tell(new SubscribeWeights(Self));
    }

    /// <summary>
    /// Our unfinished prompts must be generated again by someone: tell the coordinator why before the failure stops us
    /// (a back-off supervisor stops and recreates us, so <see cref="PreRestart"/> does not run).
    /// </summary>
    private void GivingBackOnFailure(Action handle)
    {
        try
        {
            handle();
        }
        catch (Exception e)
        {
            _coordinator.Tell(new GeneratorReset(Self, $"failed: {e.Message}"));
            throw;
        }
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // Our unfinished prompts must be generated again by someone: tell the coordinator before we forget them.
        _coordinator.Tell(new GeneratorReset(Self, $"failed: {reason.Message}"));
        base.PreRestart(reason, message);
    }

    protected override void PostStop()
    {
        _current?.Dispose();
        _backend?.Dispose();
    }

    public IStash Stash { get; set; } = null!;

    /// <summary>One request at a time: a batch's worth when idle, else what the running generation has room for.</summary>
    private void AskForWork()
    {
        if (_asking || !_started) return;
        var room = _current is null ? _promptsPerGeneration : _current.Room;
        if (room <= 0) return;
        _asking = true;
        _coordinator.Tell(new RequestWork(room));
    }

    private void OnWorkAssigned(WorkAssigned work)
    {
        if (_backend!.Version < work.Version)
        {
            // The coordinator heard of version N before the weights reached us: wait for them (decoding goes on), or
            // every token would start one version stale (and with max-staleness = 0 be dropped).
            Stash.Stash();
            return;
        }
        _asking = false;
        _busy.Start();
        if (_current is null)
        {
            _current = _backend.Begin(work.Items, _name);
            Self.Tell(DecodeStep.Instance);
        }
        else _current.Admit(work.Items);
        _busy.Stop();
        AskForWork();
    }

    private void OnDecodeStep()
    {
        var generation = _current;
        if (generation is null) return;
        _busy.Start();
        generation.Step();
        _busy.Stop();
        var groups = generation.TakeFinished();
        if (groups.Count > 0)
        {
            // Busy time since the last groups went out, shared among these (batch-mates overlap in time).
            var busy = _busy.Elapsed / groups.Count;
            foreach (var group in groups)
                _coordinator.Tell(new GroupGenerated(group, group.Rollouts.Sum(r => (long)r.TokenIds.Count), busy));
            Context.System.EventStream.Publish(new Progress(_name, $"generated {groups.Count} groups"));
            _busy.Reset();
        }
        if (generation.IsFinished)
        {
            generation.Dispose();
            _current = null;
        }
        else Self.Tell(DecodeStep.Instance);
        AskForWork();
    }
}
