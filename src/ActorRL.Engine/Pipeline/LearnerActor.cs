using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Persistence;
using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline;

/// <summary>Learner plan: which stages, how many steps, how often to evaluate, and (optionally) its ledger.</summary>
/// <param name="RlSteps">Learner steps of the RL stage (0: a warm-start-only run).</param>
/// <param name="Ledger">Null: nothing is persisted (benchmarks, orchestration tests); the run starts at <paramref name="StartCursor"/>.</param>
public sealed record LearnerPlan(int WarmStartSteps, int RlSteps, int GroupsPerStep, int EvalEvery, bool EvaluateAround,
    PromptCursor? StartCursor = null, LedgerPlan? Ledger = null);

/// <summary>
/// The RL loop: the warm start, then asks the coordinator for a batch, updates the policy (version + 1), publishes
/// the weights, asks again. Runs on its own thread (pinned dispatcher), so long model compute never blocks an
/// Akka dispatcher; each step is one message, so the actor stays responsive between steps.
///
/// Where the run starts, and what is recorded as it goes (checkpoints, the prompts each step consumed), is the
/// business of <see cref="RunRecovery"/> beside the loop: it replays the ledger and answers with a
/// <see cref="RunStart"/> (from scratch, resumed from a checkpoint, or already finished).
/// </summary>
public sealed class LearnerActor : ReceiveActor, IWithTimers
{
    private sealed class NextWarmStartStep
    {
        public static readonly NextWarmStartStep Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LearnerPlan _plan;
    private readonly IActorRef _coordinator;
    private readonly IActorRef _weights;
    private readonly IActorRef _metrics;
    private readonly Func<IPolicyTrainer> _trainerFactory;
    private readonly ILearnerProbe _probe;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Stopwatch _idle = new();
    private IPolicyTrainer? _trainer;
    private RunRecovery? _recovery;
    private int _warmStartStep;
    private int _rlStep;
    private double? _accuracyBefore;
    private double? _accuracyAfter;
    private double _rlStartedAt;

    /// <param name="probe">Told where the learner is in its record of the run (fault injection); null = no one.</param>
    public LearnerActor(LearnerPlan plan, IActorRef coordinator, IActorRef weights, IActorRef metrics, Func<IPolicyTrainer> trainerFactory,
        ILearnerProbe? probe = null)
    {
        _plan = plan;
        _coordinator = coordinator;
        _weights = weights;
        _metrics = metrics;
        _trainerFactory = trainerFactory;
        _probe = probe ?? NoLearnerProbe.Instance;

        Receive<RunStart>(Start);
        Receive<NextWarmStartStep>(_ => WarmStartStep());
        Receive<BatchReady>(OnBatch);
        Receive<RunRecorded>(_ => ReportFinished());
        Receive<IRecoveryMessage>(m => Recovery.Handle(m));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private IPolicyTrainer Trainer => _trainer!;

    private RunRecovery Recovery => _recovery!;

    protected override void PreStart()
    {
        _trainer = _trainerFactory();
        _recovery = new RunRecovery(_plan, _trainer, _probe, Self, _metrics, _log);
        Recovery.Begin(Context, Timers);
    }

    protected override void PostStop() => _trainer?.Dispose();

    // ---- start: from scratch, resumed, or nothing to do ---------------------------------------------------------

    private void Start(RunStart start)
    {
        switch (start)
        {
            case RunStart.FromScratch when _plan.WarmStartSteps > 0:
                Self.Tell(NextWarmStartStep.Instance);
                break;
            case RunStart.FromScratch:
                StartRl();
                break;
            case RunStart.Resumed resumed:
                _rlStep = resumed.Step;
                _warmStartStep = resumed.WarmStartSteps;
                _accuracyBefore = resumed.AccuracyBefore;
                BeginRl(resumed.Position);
                break;
            case RunStart.Finished done:
                Context.Parent.Tell(new LearnerFinished(done.Steps, done.WarmStartSteps, done.Version, done.AccuracyBefore, done.AccuracyAfter, 0,
                    AlreadyComplete: true));
                break;
        }
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
        Trainer.RlStartsHere();
        if (_plan.EvaluateAround) _accuracyBefore = Evaluate();
        var start = new PromptPosition((_plan.StartCursor ?? PromptCursor.Start).ToString(), Array.Empty<string>(), 0);
        // The first checkpoint marks the warm start done, so a crash during RL never repeats it.
        Recovery.Checkpoint(0, Trainer.Version, start, _warmStartStep, _accuracyBefore);
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
        Recovery.StepTrained(_rlStep, Trainer.Version, batch.Groups);
        Record("rl", _rlStep, values);
        Publish();
        Context.System.EventStream.Publish(new Progress(Self.Path.Name, $"rl step {_rlStep}"));
        if (_plan.EvalEvery > 0 && _rlStep % _plan.EvalEvery == 0 && _rlStep < _plan.RlSteps) Evaluate();
        if (Recovery.CheckpointDue(_rlStep)) Recovery.Checkpoint(_rlStep, Trainer.Version, batch.Position, _warmStartStep, _accuracyBefore);
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

    // ---- the end ------------------------------------------------------------------------------------------------

    private void Finish()
    {
        // A run without RL steps (stages = [sft]) was evaluated once, after its warm start.
        if (_plan.EvaluateAround && _plan.RlSteps > 0) _accuracyAfter = Evaluate();
        Recovery.Completed(_rlStep, Trainer.Version, _accuracyAfter);
    }

    private void ReportFinished() =>
        Context.Parent.Tell(new LearnerFinished(_rlStep, _warmStartStep, Trainer.Version, _accuracyBefore, _accuracyAfter,
            _clock.Elapsed.TotalSeconds - _rlStartedAt));
}

/// <summary>Learner → run supervisor: all steps done.</summary>
public sealed record LearnerFinished(int Steps, int WarmStartSteps, long Version, double? AccuracyBefore, double? AccuracyAfter, double RlWallSeconds,
    bool AlreadyComplete = false);

/// <summary>
/// A run failure whose message already says what is wrong and what to do: reported as one line (exit 1), without
/// a stack trace, which would only bury it.
/// </summary>
public class ExplainedRunFailure(string message, Exception? inner = null) : Exception(message, inner);
