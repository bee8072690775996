using System.Diagnostics;
using Akka.Actor;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// Samples groups with its own copy of the policy, on its own thread (a pinned dispatcher). Decoding proceeds
/// one step per message to itself, so a <see cref="WeightsPublished"/> that arrives mid-generation is handled
/// between two decoding steps: the rest of those responses is sampled with the new weights, and every token
/// records the version that produced it (in-flight weight update).
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
    private bool _asked;
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
            if (w.Version > _backend!.Version || !_asked) _backend.LoadWeights(w);
            Stash.UnstashAll();
            if (_asked) return;
            // A new generator has no weights until the hub sends the current version; only then it asks for work.
            _asked = true;
            _coordinator.Tell(new RequestWork(_promptsPerGeneration));
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

    private void OnWorkAssigned(WorkAssigned work)
    {
        if (_backend!.Version < work.Version)
        {
            // The coordinator heard of version N before the weights reached us: wait for them, or every token
            // would start one version stale (and with max-staleness = 0 be dropped).
            Stash.Stash();
            return;
        }
        _busy.Restart();
        _current = _backend!.Begin(work.Items, _name);
        _busy.Stop();
        Self.Tell(DecodeStep.Instance);
    }

    private void OnDecodeStep()
    {
        var generation = _current;
        if (generation is null) return;
        _busy.Start();
        generation.Step();
        _busy.Stop();
        if (!generation.IsFinished)
        {
            Self.Tell(DecodeStep.Instance);
            return;
        }
        var tokens = generation.TokensGenerated;
        var groups = generation.Results;
        generation.Dispose();
        _current = null;
        var perGroupTokens = groups.Count == 0 ? 0 : tokens / groups.Count;
        foreach (var group in groups)
            _coordinator.Tell(new GroupGenerated(group, perGroupTokens, _busy.Elapsed / Math.Max(1, groups.Count)));
        Context.System.EventStream.Publish(new Progress(_name, $"generated {groups.Count} groups"));
        _busy.Reset();
        _coordinator.Tell(new RequestWork(_promptsPerGeneration));
    }
}
