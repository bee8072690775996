using Akka.Actor;
using Akka.Event;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// Names any actor that has reported progress before but none for <c>stall-after</c>: a hung generator, a
/// learner stuck in a step, a verifier pool that stopped answering. Reports once per stall, and again after
/// the actor recovers and stalls anew.
/// </summary>
public sealed class Watchdog : ReceiveActor, IWithTimers
{
    private sealed class Check
    {
        public static readonly Check Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, DateTime> _lastProgress = new();
    private readonly HashSet<string> _reported = new();
    private readonly TimeSpan _stallAfter;

    public Watchdog(TimeSpan stallAfter)
    {
        _stallAfter = stallAfter;
        Receive<Progress>(p =>
        {
            _lastProgress[p.Actor] = DateTime.UtcNow;
            if (_reported.Remove(p.Actor)) _log.Info("{Actor} is making progress again ({What})", p.Actor, p.What);
        });
        Receive<Check>(_ =>
        {
            var now = DateTime.UtcNow;
            foreach (var (actor, last) in _lastProgress)
            {
                if (now - last < _stallAfter || !_reported.Add(actor)) continue;
                _log.Warning("Watchdog: {Actor} has made no progress for {Seconds:F0} s", actor, (now - last).TotalSeconds);
                Context.System.EventStream.Publish(new StallDetected(actor, now - last));
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(Progress));
        var period = TimeSpan.FromMilliseconds(Math.Max(50, _stallAfter.TotalMilliseconds / 4));
        Timers.StartPeriodicTimer("check", Check.Instance, period);
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}

/// <summary>Published when the watchdog reports an actor (tests and the live view listen).</summary>
public sealed record StallDetected(string Actor, TimeSpan Silence);
