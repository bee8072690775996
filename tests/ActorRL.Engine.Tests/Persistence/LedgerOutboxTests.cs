using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorRL.Engine.Persistence;

namespace ActorRL.Engine.Tests.Persistence;

public sealed class LedgerOutboxTests : TestKit
{
    [Fact]
    public void Events_are_numbered_kept_until_acknowledged_and_re_sent_oldest_first()
    {
        var ledger = CreateTestProbe();
        var outbox = new LedgerOutbox(ledger.Ref);
        outbox.ContinueAfter(41);

        outbox.Send(seq => new RunResumed(seq, 3, "c"));
        outbox.Send(seq => new StepTrained(seq, 4, 4, new[] { "g" }, new[] { "p" }));
        outbox.Send(seq => new StepTrained(seq, 5, 5, new[] { "h" }, new[] { "q" }));
        Assert.Equal(new long[] { 42, 43, 44 }, ledger.ReceiveN(3).Cast<RecordEvent>().Select(r => r.Event.Seq));

        // An acknowledgement covers every earlier event (the ledger records in order).
        var acknowledged = outbox.Acknowledge(43);
        Assert.Equal(new long[] { 42, 43 }, acknowledged.Select(e => e.Seq));
        Assert.Equal(1, outbox.Pending);

        outbox.ResendAll();
        Assert.Equal(44, ledger.ExpectMsg<RecordEvent>().Event.Seq);
        Assert.Empty(outbox.Acknowledge(43));
    }

    [Fact]
    public void The_wait_is_that_of_the_oldest_event_still_unacknowledged()
    {
        var outbox = new LedgerOutbox(ActorRefs.Nobody);
        outbox.Send(seq => new RunResumed(seq, -1, null));
        Thread.Sleep(1000);
        outbox.Send(seq => new StepTrained(seq, 1, 1, Array.Empty<string>(), Array.Empty<string>()));

        outbox.Acknowledge(1);

        // Steady traffic must not look like an outage: the remaining event was sent just now.
        Assert.True(outbox.OldestWait < TimeSpan.FromMilliseconds(900), $"waited {outbox.OldestWait}");
        outbox.Acknowledge(2);
        Assert.Equal(TimeSpan.Zero, outbox.OldestWait);
    }
}
