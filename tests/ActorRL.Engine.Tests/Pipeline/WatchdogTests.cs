using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Tests.Pipeline;

public class WatchdogTests : TestKit
{
    [Fact]
    public void NamesAnActorThatStoppedMakingProgressAndOnlyThatOne()
    {
        var stalls = CreateTestProbe();
        Sys.EventStream.Subscribe(stalls.Ref, typeof(StallDetected));
        Sys.ActorOf(Props.Create(() => new Watchdog(TimeSpan.FromSeconds(2))));
        // Let the watchdog subscribe before anyone reports.
        Thread.Sleep(100);

        Sys.EventStream.Publish(new Progress("generator-1", "generated"));
        Sys.EventStream.Publish(new Progress("learner", "step"));
        // Generous margins: on a loaded 2-core machine a 50 ms sleep can take far longer.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            Sys.EventStream.Publish(new Progress("learner", "step"));
            Thread.Sleep(50);
        }

        var stall = stalls.ExpectMsg<StallDetected>(TimeSpan.FromSeconds(8));
        Assert.Equal("generator-1", stall.Actor);
        Assert.True(stall.Silence >= TimeSpan.FromSeconds(2));
        // Reported once per stall, and the busy learner never.
        stalls.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }
}
