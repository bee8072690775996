using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Tests.Pipeline;

/// <summary>
/// The watchdog on a clock the test moves: no sleeps, so a loaded machine cannot make a busy actor look stalled.
/// The watchdog reads the clock when it handles a message, so the test moves the clock only after an Identify round
/// trip has shown everything sent before was handled. The same round trip makes "no report" exact: whatever the
/// watchdog told the probes while handling earlier messages is already in their queues, so no wait is needed.
/// </summary>
public class WatchdogTests : TestKit
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private sealed class Clock
    {
        public DateTime Now { get; set; } = T0;
    }

    /// <summary>The watchdog with the test probe standing in for the run supervisor.</summary>
    private (IActorRef Watchdog, Clock Clock) Start(Akka.TestKit.TestProbe supervisor)
    {
        var clock = new Clock();
        Func<DateTime> now = () => clock.Now;
        var probe = supervisor.Ref;
        var props = Props.Create(() => new Watchdog(TimeSpan.FromSeconds(60), probe, now, Timeout.InfiniteTimeSpan));
        // Progress is told straight to the watchdog (what its event-stream subscription delivers), in order.
        return (Sys.ActorOf(props), clock);
    }

    /// <summary>Returns once the watchdog has handled everything sent to it before.</summary>
    private static void Settled(IActorRef watchdog) => watchdog.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(30)).Wait();

    private static void AssertNothingReported(IActorRef watchdog, params Akka.TestKit.TestProbe[] probes)
    {
        Settled(watchdog);
        foreach (var probe in probes) Assert.False(probe.HasMessages, "the watchdog reported something");
    }

    private static void Report(IActorRef watchdog, string actor) => watchdog.Tell(new Progress(actor, "worked"));

    private static void At(IActorRef watchdog, Clock clock, DateTime now)
    {
        Settled(watchdog);
        clock.Now = now;
    }

    [Fact]
    public void NamesAnActorThatStoppedMakingProgressAndOnlyThatOne()
    {
        var stalls = CreateTestProbe();
        Sys.EventStream.Subscribe(stalls.Ref, typeof(StallDetected));
        var parent = CreateTestProbe();
        var (watchdog, clock) = Start(parent);

        Report(watchdog, "generator-1");
        Report(watchdog, "learner");
        for (var second = 10; second <= 70; second += 10)
        {
            At(watchdog, clock, T0.AddSeconds(second));
            Report(watchdog, "learner");
            watchdog.Tell(Watchdog.Check.Instance);
        }

        var stall = stalls.ExpectMsg<StallDetected>();
        Assert.Equal("generator-1", stall.Actor);
        Assert.Equal(TimeSpan.FromSeconds(60), stall.Silence);
        // Reported once per stall; the busy learner never; and the run goes on.
        At(watchdog, clock, T0.AddSeconds(80));
        Report(watchdog, "learner");
        watchdog.Tell(Watchdog.Check.Instance);
        AssertNothingReported(watchdog, stalls, parent);
    }

    [Fact]
    public void TellsItsParentOnceWhenNothingAtAllMadeProgress()
    {
        var parent = CreateTestProbe();
        var (watchdog, clock) = Start(parent);

        // Loading a model before any progress is not a stall.
        At(watchdog, clock, T0.AddMinutes(30));
        watchdog.Tell(Watchdog.Check.Instance);
        AssertNothingReported(watchdog, parent);

        watchdog.Tell(new Progress("learner", "rl step 3"));
        At(watchdog, clock, T0.AddMinutes(30).AddSeconds(59));
        watchdog.Tell(Watchdog.Check.Instance);
        AssertNothingReported(watchdog, parent);
        At(watchdog, clock, T0.AddMinutes(31));
        watchdog.Tell(Watchdog.Check.Instance);
        var silent = parent.ExpectMsg<RunSilent>();
        Assert.Equal((TimeSpan.FromSeconds(60), "learner", "rl step 3"), (silent.Silence, silent.LastActor, silent.LastWhat));

        At(watchdog, clock, T0.AddMinutes(40));
        watchdog.Tell(Watchdog.Check.Instance);
        AssertNothingReported(watchdog, parent);
    }
}
