using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Persistence;

// Learner ⇄ ledger. The learner keeps every event until the ledger acknowledges it, and re-sends from the first
// unacknowledged one after a ledger restart: a journal outage delays the ledger but never loses an event.

/// <summary>Learner → ledger: persist this event (ignored if already recorded; dropped if it would leave a gap).</summary>
public sealed record RecordEvent(ILedgerEvent Event) : ILocalOnly;

/// <summary>Ledger → learner: the event with this sequence number is durable.</summary>
public sealed record EventRecorded(long Seq) : IRecoveryMessage;

/// <summary>Ledger → learner, after every (re)start: the state replayed from the journal.</summary>
public sealed record LedgerRecovered(LedgerState State) : IRecoveryMessage;

/// <summary>Learner → ledger (<c>--fresh</c> on a shared database): delete this persistence id's events and snapshots.</summary>
public sealed record PurgeLedger : ILocalOnly
{
    public static readonly PurgeLedger Instance = new();
}

/// <summary>Ledger → learner: purged; the state is empty and the learner's sequence numbers start again at 1.</summary>
public sealed record LedgerPurged : IRecoveryMessage
{
    public static readonly LedgerPurged Instance = new();
}
