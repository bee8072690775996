using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Persistence;
using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline;

/// <summary>Learner plan: which stages, how many steps, how often to evaluate, and (optionally) its ledger.</summary>
/// <param name="Ledger">Null: nothing is persisted (benchmarks, orchestration tests); the run starts at <paramref name="StartCursor"/>.</param>
public sealed record LearnerPlan(int WarmStartSteps, int RlSteps, int GroupsPerStep, int EvalEvery, bool EvaluateAround,
    PromptCursor? StartCursor = null, LedgerPlan? Ledger = null);

/// <summary>
/// Runs the warm start, then RL: asks the coordinator for a batch, updates the policy (version + 1), publishes
/// the weights, asks again. Runs on its own thread (pinned dispatcher), so long model compute never blocks an
/// Akka dispatcher; each step is one message, so the actor stays responsive between steps.
///
/// With a ledger, the learner's progress is event-sourced (<see cref="LearnerLedger"/>, its child): every step
/// records the prompts it consumed, and every checkpoint (files first, then the event) records where the prompt
/// stream stood. On start it replays the ledger and resumes from the newest intact checkpoint: the warm start is
/// skipped, the prompts in flight at the crash are regenerated, steps after the checkpoint are trained again.
/// A journal outage never stops training: events wait in the <see cref="LedgerOutbox"/> and are re-sent.
/// </summary>
public sealed class LearnerActor : ReceiveActor, IWithTimers
{
    private sealed class NextWarmStartStep
    {
        public static readonly NextWarmStartStep Instance = new();
    }

    private sealed class ResendLedger
    {
        public static readonly ResendLedger Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LearnerPlan _plan;
    private readonly IActorRef _coordinator;
    private readonly IActorRef _weights;
    private readonly IActorRef _metrics;
    private readonly Func<IPolicyTrainer> _trainerFactory;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Stopwatch _idle = new();
    private IPolicyTrainer? _trainer;
    private LedgerOutbox? _ledger;
    private bool _started;
    private bool _finishing;
    private DateTime _lastLedgerWarning = DateTime.MinValue;
    private int _warmStartStep;
    private int _rlStep;
    private double? _accuracyBefore;
    private double? _accuracyAfter;
    private double _rlStartedAt;

    public LearnerActor(LearnerPlan plan, IActorRef coordinator, IActorRef weights, IActorRef metrics, Func<IPolicyTrainer> trainerFactory)
    {
        _plan = plan;
        _coordinator = coordinator;
        _weights = weights;
        _metrics = metrics;
        _trainerFactory = trainerFactory;

        Receive<NextWarmStartStep>(_ => WarmStartStep());
        Receive<BatchReady>(OnBatch);
        Receive<LedgerRecovered>(OnLedgerRecovered);
        Receive<LedgerPurged>(_ =>
        {
            _ledger!.ContinueAfter(0);
            StartFresh(truncateMetrics: true);
        });
        Receive<EventRecorded>(OnEventRecorded);
        Receive<ResendLedger>(_ => ResendUnrecorded());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private IPolicyTrainer Trainer => _trainer!;

    protected override void PreStart()
    {
        _trainer = _trainerFactory();
        if (_plan.Ledger is not { } ledger)
        {
            StartFresh(truncateMetrics: false);
            return;
        }
        if (Trainer is not ITrainerCheckpoints)
            throw new InvalidOperationException($"a learner with a ledger needs a trainer that saves checkpoints; {Trainer.GetType().Name} does not");
        var self = Self;
        var child = Props.Create(() => new LearnerLedger(ledger.PersistenceId, self, ledger.RunDirectory, ledger.KeepLast, ledger.SnapshotEvery));
        // Akka stops a persistent actor whose journal write fails; the back-off supervisor starts it again later.
        var supervised = BackoffSupervisor.Props(Backoff.OnStop(child, "ledger", ledger.RetryMinBackoff, ledger.RetryMaxBackoff, 0.2, -1));
        _ledger = new LedgerOutbox(Context.ActorOf(supervised, "ledger-supervisor"));
        Timers.StartPeriodicTimer("resend-ledger", ResendLedger.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop() => _trainer?.Dispose();

    // ---- start: fresh or resumed -------------------------------------------------------------------------------

    private void OnLedgerRecovered(LedgerRecovered recovered)
    {
        if (_started)
        {
            // The ledger restarted after a failure: re-send what it may have lost.
            _ledger!.ResendAll();
            return;
        }
        _started = true;
        var state = recovered.State;
        var plan = _plan.Ledger!;
        _ledger!.ContinueAfter(state.LastSeq);
        if (plan.Fresh && !state.IsEmpty)
        {
            _log.Warning("--fresh: deleting ledger {PersistenceId} ({Events} events)", plan.PersistenceId, state.LastSeq);
            _started = false; // LedgerPurged starts the run
            Context.Child("ledger-supervisor").Tell(PurgeLedger.Instance);
            return;
        }
        if (state.Checkpoints.Length == 0)
        {
            if (!state.IsEmpty) _log.Warning("The ledger has no committed checkpoint yet; starting from the beginning");
            StartFresh(truncateMetrics: true);
            return;
        }
        var checkpoint = CheckpointVerifier.NewestIntact(plan.RunDirectory, state.Checkpoints, (refused, problem) =>
            _log.Warning("Refusing checkpoint of step {Step} ({Directory}): {Problem}; trying the previous one", refused.Step, refused.Directory, problem));
        if (checkpoint is null)
            throw new CheckpointUnavailableException(
                $"no intact checkpoint in {Path.Combine(plan.RunDirectory, LedgerPlan.CheckpointsFolder)} ({state.Checkpoints.Length} committed, all refused); " +
                "start over with --fresh");
        if (state.Completed is { } done && checkpoint.Step >= _plan.RlSteps)
        {
            // Nothing to do: re-running a finished run must not replace its summary with an empty one.
            _log.Info("The run finished before ({Steps} steps, version {Version}); nothing to do", done.Steps, done.Version);
            Context.Parent.Tell(new LearnerFinished(done.Steps, checkpoint.WarmStartSteps, done.Version, checkpoint.AccuracyBefore, done.AccuracyAfter, 0,
                AlreadyComplete: true));
            return;
        }
        Resume(checkpoint);
    }

    private void StartFresh(bool truncateMetrics)
    {
        _started = true;
        if (truncateMetrics) _metrics.Tell(new TruncateMetrics(null));
        _ledger?.Send(seq => new RunResumed(seq, -1, null));
        if (_plan.WarmStartSteps > 0) Self.Tell(NextWarmStartStep.Instance);
        else StartRl();
    }

    private void Resume(CheckpointCommitted checkpoint)
    {
        var directory = Path.Combine(_plan.Ledger!.RunDirectory, checkpoint.Directory);
        ((ITrainerCheckpoints)Trainer).LoadCheckpoint(directory, checkpoint.Step);
        _rlStep = checkpoint.Step;
        _warmStartStep = checkpoint.WarmStartSteps;
        _accuracyBefore = checkpoint.AccuracyBefore;
        _log.Info("Resuming from the checkpoint of step {Step} (version {Version}, {Directory}); the warm start is not repeated",
            checkpoint.Step, Trainer.Version, checkpoint.Directory);
        _metrics.Tell(new TruncateMetrics(checkpoint.Step));
        _ledger!.Send(seq => new RunResumed(seq, checkpoint.Step, checkpoint.Directory));
        BeginRl(new PromptPosition(checkpoint.Cursor, checkpoint.Outstanding, checkpoint.GroupsConsumed, checkpoint.Quarantined));
    }

    // ---- warm start and RL --------------------------------------------------------------------------------------

    private void WarmStartStep()
    {
        var values = Trainer.WarmStartStep(_warmStartStep);
        _warmStartStep++;
        Record("sft", _warmStartStep, values);
        Context.System.EventStream.Publish(new Progress(Self.Path.Name, $"warm-start step {_warmStartStep}"));
        if (_warmStartStep < _plan.WarmStartSteps) Self.Tell(NextWarmStartStep.Instance);
        else StartRl();
    }

    private void StartRl()
    {
        if (_plan.EvaluateAround) _accuracyBefore = Evaluate();
        var start = new PromptPosition((_plan.StartCursor ?? PromptCursor.Start).ToString(), Array.Empty<string>(), 0);
        // The first checkpoint marks the warm start done, so a crash during RL never repeats it.
        if (_ledger is not null) Checkpoint(start);
        BeginRl(start);
    }

    private void BeginRl(PromptPosition position)
    {
        _rlStartedAt = _clock.Elapsed.TotalSeconds;
        Publish();
        _coordinator.Tell(new StartGenerating(Trainer.Version, position));
        if (_rlStep >= _plan.RlSteps) Finish();
        else RequestBatch();
    }

    private void RequestBatch()
    {
        _idle.Start();
        _coordinator.Tell(new RequestBatch(Trainer.Version, _plan.GroupsPerStep));
    }

    private void OnBatch(BatchReady batch)
    {
        _idle.Stop();
        var versionBefore = Trainer.Version;
        if (_log.IsDebugEnabled && batch.Groups.Count > 0)
        {
            var sample = batch.Groups[0];
            _log.Debug("Step {Step} sample group {PromptId} ({Prompt} gold {Gold}): {Responses}", _rlStep + 1, sample.PromptId, sample.PromptText, sample.Gold,
                string.Join(" | ", sample.Rollouts.Select(r => $"{r.Reward:0.##} «{r.Text}»")));
        }
        var stepClock = Stopwatch.StartNew();
        var values = new Dictionary<string, double>(Trainer.Train(batch.Groups));
        values["learner_step_seconds"] = stepClock.Elapsed.TotalSeconds;
        values["learner_idle_seconds"] = _idle.Elapsed.TotalSeconds;
        _idle.Reset();
        AddRolloutStatistics(values, batch.Groups, versionBefore);
        _rlStep++;
        CrashPoints.Reached("step", _rlStep);
        Record("rl", _rlStep, values);
        _ledger?.Send(seq => new StepTrained(seq, _rlStep, Trainer.Version,
            batch.Groups.Select(g => g.GroupId).ToArray(), batch.Groups.Select(g => g.PromptId).ToArray()));
        Publish();
        Context.System.EventStream.Publish(new Progress(Self.Path.Name, $"rl step {_rlStep}"));
        if (_plan.EvalEvery > 0 && _rlStep % _plan.EvalEvery == 0 && _rlStep < _plan.RlSteps) Evaluate();
        if (_ledger is not null && (_rlStep % _plan.Ledger!.CheckpointEvery == 0 || _rlStep >= _plan.RlSteps)) Checkpoint(batch.Position);
        if (_rlStep >= _plan.RlSteps) Finish();
        else RequestBatch();
    }

    private static void AddRolloutStatistics(Dictionary<string, double> values, IReadOnlyList<RolloutGroup> groups, long learnerVersion)
    {
        var rollouts = groups.SelectMany(g => g.Rollouts).ToList();
        var staleness = groups.Select(g => (double)g.Staleness(learnerVersion)).ToList();
        values["reward_mean"] = rollouts.Average(r => r.Reward);
        values["response_length_mean"] = rollouts.Average(r => (double)r.Length);
        values["staleness_mean"] = staleness.Average();
        values["staleness_max"] = staleness.Max();
        values["groups"] = groups.Count;
        if (rollouts.FirstOrDefault()?.RewardParts is not null)
            foreach (var part in rollouts.SelectMany(r => r.RewardParts!.Keys).Distinct())
                values[$"reward_{part}"] = rollouts.Average(r => r.RewardParts!.GetValueOrDefault(part));
    }

    private double? Evaluate()
    {
        var values = Trainer.Evaluate();
        Record("eval", _rlStep, values);
        return values.TryGetValue("accuracy", out var accuracy) ? accuracy : null;
    }

    private void Publish() => _weights.Tell(new WeightsPublished(Trainer.Version, Trainer.Snapshot()));

    private void Record(string kind, int step, IReadOnlyDictionary<string, double> values) =>
        _metrics.Tell(new MetricsRecord(kind, step, Trainer.Version, _clock.Elapsed.TotalSeconds, values));

    // ---- checkpoints and the ledger -----------------------------------------------------------------------------

    /// <summary>Files first (temporary name, flushed, renamed), then the event: a committed checkpoint is always whole.</summary>
    private void Checkpoint(PromptPosition position)
    {
        var plan = _plan.Ledger!;
        var relative = LedgerPlan.CheckpointDirectory(_rlStep);
        var directory = Path.Combine(plan.RunDirectory, relative);
        var files = ((ITrainerCheckpoints)Trainer).SaveCheckpoint(directory, _rlStep)
            .Append(ProgressFile.Write(directory, _rlStep, Trainer.Version, position, _warmStartStep))
            .ToList();
        CrashPoints.Reached("checkpoint-write", _rlStep);
        var step = _rlStep;
        var version = Trainer.Version;
        _ledger!.Send(seq => new CheckpointCommitted(seq, step, version, relative, files.ToArray(), position.Cursor,
            position.Outstanding.ToArray(), position.GroupsConsumed, _warmStartStep, _accuracyBefore, position.Quarantined?.ToArray()));
    }

    private void OnEventRecorded(EventRecorded recorded)
    {
        foreach (var e in _ledger!.Acknowledge(recorded.Seq))
            if (e is CheckpointCommitted c) CrashPoints.Reached("after-checkpoint", c.Step);
        if (_finishing && _ledger.Pending == 0) ReportFinished();
    }

    private void ResendUnrecorded()
    {
        // A busy disk can delay one write for a second; only a longer wait means the ledger (or its journal) is down.
        var wait = _ledger?.OldestWait ?? TimeSpan.Zero;
        if (_ledger is not { Pending: > 0 } ledger || wait < TimeSpan.FromSeconds(2)) return;
        if (wait >= TimeSpan.FromSeconds(5) && DateTime.UtcNow - _lastLedgerWarning > TimeSpan.FromSeconds(10))
        {
            _log.Warning("The ledger has not recorded {Pending} events for {Seconds:0} s (journal unavailable?); training goes on, old checkpoints are kept, re-sending",
                ledger.Pending, ledger.OldestWait.TotalSeconds);
            _lastLedgerWarning = DateTime.UtcNow;
        }
        ledger.ResendAll();
    }

    private void Finish()
    {
        if (_plan.EvaluateAround) _accuracyAfter = Evaluate();
        _finishing = true;
        if (_ledger is null)
        {
            ReportFinished();
            return;
        }
        _ledger.Send(seq => new RunCompleted(seq, _rlStep, Trainer.Version, _accuracyAfter));
        if (_ledger.Pending > 0)
            _log.Info("Waiting for the ledger to record the last {Pending} events", _ledger.Pending);
    }

    private void ReportFinished()
    {
        if (!_finishing) return;
        _finishing = false;
        Context.Parent.Tell(new LearnerFinished(_rlStep, _warmStartStep, Trainer.Version, _accuracyBefore, _accuracyAfter,
            _clock.Elapsed.TotalSeconds - _rlStartedAt));
    }
}

/// <summary>Learner → run supervisor: all steps done.</summary>
public sealed record LearnerFinished(int Steps, int WarmStartSteps, long Version, double? AccuracyBefore, double? AccuracyAfter, double RlWallSeconds,
    bool AlreadyComplete = false);

/// <summary>
/// A run failure whose message already says what is wrong and what to do: reported as one line (exit 1), without
/// a stack trace, which would only bury it.
/// </summary>
public class ExplainedRunFailure(string message) : Exception(message);

/// <summary>The ledger holds checkpoints but none passes verification: the run cannot resume without losing work.</summary>
public sealed class CheckpointUnavailableException(string message) : ExplainedRunFailure("cannot resume: " + message);
