using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// The learner's record of its run, beside the RL loop: replays the ledger (its child <see cref="LearnerLedger"/>,
/// behind a back-off supervisor) and decides where the learner starts, writes checkpoints (files first, then the
/// event, so a committed checkpoint is always whole), records every step's consumption, and re-sends what a
/// failed journal lost (<see cref="LedgerOutbox"/>). Without a ledger (benchmarks, orchestration tests) it
/// records nothing and the run starts from scratch.
///
/// Owned by the learner actor and used on its thread only (checkpoints are written from the trainer's tensors). It
/// tells the learner a <see cref="RunStart"/> once the run's past is known, and <see cref="RunRecorded"/> once the
/// end of the run is durable; the learner hands it every <see cref="IRecoveryMessage"/> it receives.
/// </summary>
public sealed class RunRecovery
{
    private readonly LedgerPlan? _plan;
    private readonly int _rlSteps;
    private readonly ITrainerCheckpoints _trainer;
    private readonly ILearnerProbe _probe;
    private readonly IActorRef _learner;
    private readonly IActorRef _metrics;
    private readonly ILoggingAdapter _log;
    private LedgerOutbox? _ledger;
    private IActorRef _ledgerSupervisor = ActorRefs.Nobody;
    private bool _started;
    private bool _finishing;
    private DateTime _lastLedgerWarning = DateTime.MinValue;

    /// <param name="plan">The learner's plan; without a ledger nothing is persisted.</param>
    /// <param name="learner">Receives <see cref="RunStart"/> and <see cref="RunRecorded"/>.</param>
    /// <param name="metrics">The metrics recorder: cut back to the step a run resumes from.</param>
    public RunRecovery(LearnerPlan plan, ITrainerCheckpoints trainer, ILearnerProbe probe, IActorRef learner, IActorRef metrics, ILoggingAdapter log)
    {
        _plan = plan.Ledger;
        _rlSteps = plan.RlSteps;
        _trainer = trainer;
        _probe = probe;
        _learner = learner;
        _metrics = metrics;
        _log = log;
    }

    /// <summary>
    /// Starts the ledger (its replay ends in a <see cref="RunStart"/> for the learner); without one the learner is
    /// told at once to start from scratch.
    /// </summary>
    public void Begin(IActorContext context, ITimerScheduler timers)
    {
        if (_plan is not { } plan)
        {
            _started = true;
            _learner.Tell(RunStart.FromScratch.Instance);
            return;
        }
        var learner = _learner;
        var child = Props.Create(() => new LearnerLedger(plan.PersistenceId, learner, plan.RunDirectory, plan.KeepLast, plan.SnapshotEvery));
        // Akka stops a persistent actor whose journal write fails; the back-off supervisor starts it again later.
        var supervised = BackoffSupervisor.Props(Backoff.OnStop(child, "ledger", plan.RetryMinBackoff, plan.RetryMaxBackoff, 0.2, -1));
        _ledgerSupervisor = context.ActorOf(supervised, "ledger-supervisor");
        _ledger = new LedgerOutbox(_ledgerSupervisor);
        timers.StartPeriodicTimer("resend-ledger", ResendLedger.Instance, TimeSpan.FromSeconds(1));
    }

    /// <summary>What the ledger tells the learner, and the learner's own re-send tick.</summary>
    public void Handle(IRecoveryMessage message)
    {
        switch (message)
        {
            case LedgerRecovered recovered:
                OnLedgerRecovered(recovered.State);
                break;
            case LedgerPurged:
                _ledger!.ContinueAfter(0);
                StartFromScratch();
                break;
            case EventRecorded recorded:
                OnEventRecorded(recorded.Seq);
                break;
            case ResendLedger:
                ResendUnrecorded();
                break;
        }
    }

    // ---- where the run starts ----------------------------------------------------------------------------------

    private void OnLedgerRecovered(LedgerState state)
    {
        if (_started)
        {
            // The ledger restarted after a failure: re-send what it may have lost.
            _ledger!.ResendAll();
            return;
        }
        _started = true;
        var plan = _plan!;
        _ledger!.ContinueAfter(state.LastSeq);
        if (plan.Fresh && !state.IsEmpty)
        {
            _log.Warning("--fresh: deleting ledger {PersistenceId} ({Events} events)", plan.PersistenceId, state.LastSeq);
            _started = false; // LedgerPurged starts the run
            _ledgerSupervisor.Tell(PurgeLedger.Instance);
            return;
        }
        if (state.Checkpoints.Length == 0)
        {
            if (!state.IsEmpty) _log.Warning("The ledger has no committed checkpoint yet; starting from the beginning");
            StartFromScratch();
            return;
        }
        var checkpoint = CheckpointVerifier.NewestIntact(plan.RunDirectory, state.Checkpoints, (refused, problem) =>
            _log.Warning("Refusing checkpoint of step {Step} ({Directory}): {Problem}; trying the previous one", refused.Step, refused.Directory, problem));
        if (checkpoint is null)
            throw new CheckpointUnavailableException(
                $"no intact checkpoint in {Path.Combine(plan.RunDirectory, LedgerPlan.CheckpointsFolder)} ({state.Checkpoints.Length} committed, all refused); " +
                "start over with --fresh");
        if (state.Completed is { } done && checkpoint.Step >= _rlSteps)
        {
            // Nothing to do, and nothing is written: a process that did not train leaves the run's files as they are.
            _log.Info("The run finished before ({Steps} steps, version {Version}); nothing to do", done.Steps, done.Version);
            _learner.Tell(new RunStart.Finished(done.Steps, checkpoint.WarmStartSteps, done.Version, checkpoint.AccuracyBefore, done.AccuracyAfter));
            return;
        }
        Resume(checkpoint);
    }

    private void StartFromScratch()
    {
        _started = true;
        _metrics.Tell(new TruncateMetrics(null));
        _ledger!.Send(seq => new RunResumed(seq, -1, null));
        _learner.Tell(RunStart.FromScratch.Instance);
    }

    private void Resume(CheckpointCommitted checkpoint)
    {
        _trainer.LoadCheckpoint(Path.Combine(_plan!.RunDirectory, checkpoint.Directory), checkpoint.Step);
        _log.Info("Resuming from the checkpoint of step {Step} (version {Version}, {Directory}); the warm start is not repeated",
            checkpoint.Step, checkpoint.Version, checkpoint.Directory);
        _metrics.Tell(new TruncateMetrics(checkpoint.Step));
        _ledger!.Send(seq => new RunResumed(seq, checkpoint.Step, checkpoint.Directory));
        _learner.Tell(new RunStart.Resumed(checkpoint.Step, checkpoint.WarmStartSteps, checkpoint.AccuracyBefore,
            new PromptPosition(checkpoint.Cursor, checkpoint.Outstanding, checkpoint.GroupsConsumed, checkpoint.Quarantined)));
    }

    // ---- what the learner did -----------------------------------------------------------------------------------

    /// <summary>RL step <paramref name="step"/> trained on these groups (the consumption ledger).</summary>
    public void StepTrained(int step, long version, IReadOnlyList<RolloutGroup> groups)
    {
        _probe.StepTrained(step);
        _ledger?.Send(seq => new StepTrained(seq, step, version, groups.Select(g => g.GroupId).ToArray(), groups.Select(g => g.PromptId).ToArray(),
            groups.Select(g => g.OldestTokenVersion).ToArray(), groups.Select(g => g.NewestTokenVersion).ToArray()));
    }

    /// <summary>True when step <paramref name="step"/> is one to checkpoint: every checkpoint-every steps, and the last.</summary>
    public bool CheckpointDue(int step) => _plan is { } plan && (step % plan.CheckpointEvery == 0 || step >= _rlSteps);

    /// <summary>
    /// Commits a checkpoint after RL step <paramref name="step"/> (0: RL starts): the trainer's files and
    /// <c>progress.json</c> (temporary name, flushed, renamed), then the ledger event with every file's size and hash.
    /// </summary>
    public void Checkpoint(int step, long version, PromptPosition position, int warmStartSteps, double? accuracyBefore)
    {
        if (_plan is not { } plan) return;
        var relative = LedgerPlan.CheckpointDirectory(step);
        var directory = Path.Combine(plan.RunDirectory, relative);
        var files = _trainer.SaveCheckpoint(directory, step)
            .Append(ProgressFile.Write(directory, step, version, position, warmStartSteps))
            .ToArray();
        _probe.CheckpointWritten(step);
        _ledger!.Send(seq => new CheckpointCommitted(seq, step, version, relative, files, position.Cursor,
            position.Outstanding.ToArray(), position.GroupsConsumed, warmStartSteps, accuracyBefore, position.Quarantined?.ToArray()));
    }

    /// <summary>All steps done: records the end, and tells the learner <see cref="RunRecorded"/> once every event is durable.</summary>
    public void Completed(int steps, long version, double? accuracyAfter)
    {
        _finishing = true;
        if (_ledger is null)
        {
            _learner.Tell(RunRecorded.Instance);
            return;
        }
        _ledger.Send(seq => new RunCompleted(seq, steps, version, accuracyAfter));
        _log.Info("Waiting for the ledger to record the last {Pending} events", _ledger.Pending);
    }

    private void OnEventRecorded(long seq)
    {
        foreach (var e in _ledger!.Acknowledge(seq))
            if (e is CheckpointCommitted c) _probe.CheckpointCommitted(c.Step);
        if (_finishing && _ledger.Pending == 0)
        {
            _finishing = false;
            _learner.Tell(RunRecorded.Instance);
        }
    }

    private void ResendUnrecorded()
    {
        // A busy disk can delay one write for a second; only a longer wait means the ledger (or its journal) is down.
        if (_ledger is not { Pending: > 0 } ledger || ledger.OldestWait < TimeSpan.FromSeconds(2)) return;
        if (ledger.OldestWait >= TimeSpan.FromSeconds(5) && DateTime.UtcNow - _lastLedgerWarning > TimeSpan.FromSeconds(10))
        {
            _log.Warning("The ledger has not recorded {Pending} events for {Seconds:0} s (journal unavailable?); training goes on, old checkpoints are kept, re-sending",
                ledger.Pending, ledger.OldestWait.TotalSeconds);
            _lastLedgerWarning = DateTime.UtcNow;
        }
        ledger.ResendAll();
    }

    private sealed class ResendLedger : IRecoveryMessage
    {
        public static readonly ResendLedger Instance = new();
    }
}

/// <summary>Messages for <see cref="RunRecovery"/> that arrive at the learner (the ledger's replies, the re-send tick).</summary>
public interface IRecoveryMessage : ActorRL.Engine.Pipeline.ILocalOnly;

/// <summary>Recovery → learner: where the run starts, once its past is known.</summary>
public abstract record RunStart
{
    /// <summary>Nothing to resume: the warm start (if any), then RL from the first prompt.</summary>
    public sealed record FromScratch : RunStart
    {
        public static readonly FromScratch Instance = new();
    }

    /// <summary>The trainer holds the checkpoint of RL step <see cref="Step"/>; RL goes on from <see cref="Position"/>.</summary>
    public sealed record Resumed(int Step, int WarmStartSteps, double? AccuracyBefore, PromptPosition Position) : RunStart;

    /// <summary>The run finished before: nothing to train and nothing to write.</summary>
    public sealed record Finished(int Steps, int WarmStartSteps, long Version, double? AccuracyBefore, double? AccuracyAfter) : RunStart;
}

/// <summary>Recovery → learner: the end of the run is durable (at once without a ledger).</summary>
public sealed record RunRecorded
{
    public static readonly RunRecorded Instance = new();
}

/// <summary>The ledger holds checkpoints but none passes verification: the run cannot resume without losing work.</summary>
public sealed class CheckpointUnavailableException(string message) : ExplainedRunFailure("cannot resume: " + message);
