using Akka.Actor;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// The learner's side of the ledger: numbers events, keeps each one until the ledger acknowledges it, and re-sends
/// everything unacknowledged, oldest first, when asked (after a ledger restart, or on a timer). Owned by the learner
/// actor and used on its thread only.
/// </summary>
public sealed class LedgerOutbox(IActorRef ledger)
{
    private readonly SortedDictionary<long, (ILedgerEvent Event, DateTime SentAt)> _unacknowledged = new();
    private long _nextSeq = 1;

    public int Pending => _unacknowledged.Count;

    /// <summary>How long the oldest unacknowledged event has waited since it was first sent.</summary>
    public TimeSpan OldestWait => _unacknowledged.Count == 0 ? TimeSpan.Zero : DateTime.UtcNow - _unacknowledged.First().Value.SentAt;

    /// <summary>Continue numbering after what the journal already holds.</summary>
    public void ContinueAfter(long lastSeq) => _nextSeq = lastSeq + 1;

    public ILedgerEvent Send(Func<long, ILedgerEvent> create)
    {
        var e = create(_nextSeq++);
        _unacknowledged[e.Seq] = (e, DateTime.UtcNow);
        ledger.Tell(new RecordEvent(e));
        return e;
    }

    /// <summary>The ledger records in order, so an acknowledgement covers every earlier event too. Returns those newly acknowledged.</summary>
    public IReadOnlyList<ILedgerEvent> Acknowledge(long seq)
    {
        var done = _unacknowledged.Keys.TakeWhile(k => k <= seq).ToList();
        var events = done.Select(k => _unacknowledged[k].Event).ToList();
        foreach (var k in done) _unacknowledged.Remove(k);
        return events;
    }

    public void ResendAll()
    {
        foreach (var (e, _) in _unacknowledged.Values) ledger.Tell(new RecordEvent(e));
    }
}
