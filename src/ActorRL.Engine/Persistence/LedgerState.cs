namespace ActorRL.Engine.Persistence;

/// <summary>
/// What the ledger knows after replay: the checkpoints still on disk (newest last, at most keep-last of them),
/// the last step trained, whether the run completed. Small and bounded however long the run, so it is also the
/// snapshot. The full consumption history stays in the journal (see <see cref="LedgerHistory"/>).
/// </summary>
public sealed record LedgerState(long LastSeq, CheckpointCommitted[] Checkpoints, int LastStep, RunCompleted? Completed) : ILedgerMessage
{
    public static readonly LedgerState Empty = new(0, Array.Empty<CheckpointCommitted>(), 0, null);

    public bool IsEmpty => LastSeq == 0;

    /// <summary>Applies one event. <paramref name="keepLast"/> bounds the checkpoints remembered (and kept on disk).</summary>
    public LedgerState Apply(ILedgerEvent e, int keepLast) => e switch
    {
        CheckpointCommitted c => this with
        {
            LastSeq = c.Seq,
            LastStep = Math.Max(LastStep, c.Step),
            // A step re-committed after a resume replaces the void one of the same step.
            Checkpoints = Checkpoints.Where(k => k.Step < c.Step).Append(c).TakeLast(keepLast).ToArray(),
        },
        StepTrained s => this with { LastSeq = s.Seq, LastStep = s.Step },
        RunResumed r => this with
        {
            LastSeq = r.Seq,
            LastStep = Math.Max(r.FromStep, 0),
            Checkpoints = Checkpoints.Where(k => k.Step <= r.FromStep).ToArray(),
            Completed = null,
        },
        RunCompleted done => this with { LastSeq = done.Seq, Completed = done },
        _ => throw new ArgumentException($"unknown ledger event {e.GetType().Name}"),
    };

    /// <summary>Checkpoints that <paramref name="next"/> no longer keeps (their directories may be deleted).</summary>
    public IEnumerable<CheckpointCommitted> DroppedBy(LedgerState next) =>
        Checkpoints.Where(c => next.Checkpoints.All(n => n.Directory != c.Directory));
}
