using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// The learner's event-sourced state on Akka.Persistence.Sql. It lives as the learner's child behind a back-off
/// supervisor: when the journal fails (database down, disk full) Akka stops this actor, the supervisor starts it
/// again after a growing pause, it replays, and the learner re-sends what was not recorded. Training never waits
/// on it. Old checkpoint directories are deleted here, and only after a newer checkpoint is durable.
/// </summary>
public sealed class LearnerLedger : ReceivePersistentActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _learner;
    private readonly string _runDirectory;
    private readonly int _keepLast;
    private readonly int _snapshotEvery;
    private LedgerState _state = LedgerState.Empty;

    public LearnerLedger(string persistenceId, IActorRef learner, string runDirectory, int keepLast, int snapshotEvery)
    {
        PersistenceId = persistenceId;
        _learner = learner;
        _runDirectory = runDirectory;
        _keepLast = keepLast;
        _snapshotEvery = snapshotEvery;

        Recover<SnapshotOffer>(offer => _state = (LedgerState)offer.Snapshot);
        Recover<ILedgerEvent>(e => _state = _state.Apply(e, _keepLast));
        Recover<RecoveryCompleted>(_ => _learner.Tell(new LedgerRecovered(_state)));

        Command<RecordEvent>(OnRecord);
        Command<PurgeLedger>(_ => Purge());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("Could not save a ledger snapshot: {Error}", f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("Could not delete old ledger snapshots: {Error}", f.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Error("Could not purge the ledger: {Error}", f.Cause.Message));
    }

    public override string PersistenceId { get; }

    private void OnRecord(RecordEvent record)
    {
        var e = record.Event;
        if (e.Seq <= _state.LastSeq)
        {
            _learner.Tell(new EventRecorded(e.Seq));
            return;
        }
        // A gap means an earlier event was lost with a failed incarnation; the learner re-sends from it.
        if (e.Seq != _state.LastSeq + 1) return;
        Persist(e, persisted =>
        {
            var before = _state;
            _state = _state.Apply(persisted, _keepLast);
            _learner.Tell(new EventRecorded(persisted.Seq));
            DeleteCheckpointsNoLongerKept(before);
            if (LastSequenceNr % _snapshotEvery == 0) SaveSnapshot(_state);
        });
    }

    private void DeleteCheckpointsNoLongerKept(LedgerState before)
    {
        foreach (var dropped in before.DroppedBy(_state))
        {
            var directory = Path.Combine(_runDirectory, dropped.Directory);
            try
            {
                if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            }
            catch (IOException e)
            {
                _log.Warning("Could not delete old checkpoint {Directory}: {Error}", directory, e.Message);
            }
        }
    }

    private void Purge()
    {
        // Only ever asked before the learner's first event, so no re-send from before the purge can arrive later.
        DeleteMessages(LastSequenceNr);
        DeleteSnapshots(new SnapshotSelectionCriteria(LastSequenceNr));
        _state = LedgerState.Empty;
        _learner.Tell(LedgerPurged.Instance);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error("Ledger write failed ({Error}); the ledger restarts with back-off and the learner re-sends", cause.Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error("Ledger recovery failed ({Error}); retrying with back-off", reason.Message);
        base.OnRecoveryFailure(reason, message);
    }
}
