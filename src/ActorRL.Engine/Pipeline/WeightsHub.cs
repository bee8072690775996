using Akka.Actor;

namespace ActorRL.Engine.Pipeline;

/// <summary>Subscribe to policy weights: the current version is sent at once, then every new one.</summary>
public sealed record SubscribeWeights(IActorRef Subscriber);

/// <summary>
/// Keeps the newest published weights and forwards each new version to its subscribers. A generator that
/// starts late (or restarts) gets the current version immediately instead of waiting for the next step.
/// </summary>
public sealed class WeightsHub : ReceiveActor
{
    private readonly HashSet<IActorRef> _subscribers = new();
    private WeightsPublished? _latest;

    public WeightsHub()
    {
        Receive<SubscribeWeights>(s =>
        {
            if (_subscribers.Add(s.Subscriber)) Context.Watch(s.Subscriber);
            if (_latest is not null) s.Subscriber.Tell(_latest);
        });
        Receive<WeightsPublished>(w =>
        {
            if (_latest is not null && w.Version <= _latest.Version) return;
            _latest = w;
            foreach (var s in _subscribers) s.Tell(w);
        });
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
    }
}
