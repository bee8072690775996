using Akka.Actor;
using Akka.Event;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// No silent hang, the last line of defence (leases come first, see <see cref="Lifecycle.PromptBook"/>).
/// <list type="bullet">
/// <item>Names any actor that has reported progress before but none for <c>stall-after</c> (a hung generator, a
/// verifier pool that stopped answering) while others go on: logged once per stall, and again after the actor
/// recovers and stalls anew. The run goes on; the stuck actor's prompts come back when their leases end.</item>
/// <item>When nothing at all made progress for <c>stall-after</c> (counted from the first progress, so loading a
/// model is not a stall), tells the run supervisor <see cref="RunSilent"/>, once: it ends the run naming the
/// stuck stage.</item>
/// </list>
/// The clock and the check period are injectable so tests drive time instead of sleeping.
/// </summary>
public sealed class Watchdog : ReceiveActor, IWithTimers
{
    /// <summary>Look now (sent by the timer; tests send it directly).</summary>
    public sealed class Check
    {
        public static readonly Check Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, (DateTime At, string What)> _lastProgress = new();
    private readonly HashSet<string> _reported = new();
    private readonly TimeSpan _stallAfter;
    private readonly Func<DateTime> _now;
    private readonly TimeSpan? _checkEvery;
    private readonly IActorRef _supervisor;
    private DateTime? _lastAny;
    private bool _silenceReported;

    /// <param name="supervisor">Who ends the run on <see cref="RunSilent"/> (the run supervisor, this actor's parent).</param>
    /// <param name="now">The clock (default: UTC now).</param>
    /// <param name="checkEvery">How often to look (default: a quarter of <paramref name="stallAfter"/>, at least 50 ms);
    /// <see cref="Timeout.InfiniteTimeSpan"/>: only when sent <see cref="Check"/>.</param>
    public Watchdog(TimeSpan stallAfter, IActorRef supervisor, Func<DateTime>? now = null, TimeSpan? checkEvery = null)
    {
        _supervisor = supervisor;
        _stallAfter = stallAfter;
        _now = now ?? (() => DateTime.UtcNow);
        _checkEvery = checkEvery;
        Receive<Progress>(p =>
        {
            var at = _now();
            _lastProgress[p.Actor] = (at, p.What);
            _lastAny = at;
            if (_reported.Remove(p.Actor)) _log.Info("{Actor} is making progress again ({What})", p.Actor, p.What);
        });
        Receive<Check>(_ => OnCheck());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(Progress));
        var period = _checkEvery ?? TimeSpan.FromMilliseconds(Math.Max(50, _stallAfter.TotalMilliseconds / 4));
        if (period != Timeout.InfiniteTimeSpan) Timers.StartPeriodicTimer("check", Check.Instance, period);
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void OnCheck()
    {
        var now = _now();
        if (_lastAny is { } lastAny && now - lastAny >= _stallAfter)
        {
            if (_silenceReported) return;
            _silenceReported = true;
            var last = _lastProgress.MaxBy(kv => kv.Value.At);
            _log.Error("Watchdog: the pipeline made no progress for {Seconds:F0} s (last: {Actor}, {What})", (now - lastAny).TotalSeconds, last.Key, last.Value.What);
            _supervisor.Tell(new RunSilent(now - lastAny, last.Key, last.Value.What));
            return;
        }
        foreach (var (actor, last) in _lastProgress)
        {
            if (now - last.At < _stallAfter || !_reported.Add(actor)) continue;
            _log.Warning("Watchdog: {Actor} has made no progress for {Seconds:F0} s", actor, (now - last.At).TotalSeconds);
            Context.System.EventStream.Publish(new StallDetected(actor, now - last.At));
        }
    }
}

/// <summary>Published when the watchdog reports an actor (tests and the live view listen).</summary>
public sealed record StallDetected(string Actor, TimeSpan Silence);

/// <summary>Watchdog → run supervisor: nothing made progress for <see cref="Silence"/>; the last that did was <see cref="LastActor"/>.</summary>
public sealed record RunSilent(TimeSpan Silence, string LastActor, string LastWhat);
