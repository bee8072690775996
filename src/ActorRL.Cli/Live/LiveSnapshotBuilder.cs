using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Live;

/// <summary>Generator time for the idle fraction: how many generators run, and their busy seconds summed since the start.</summary>
public sealed record GeneratorActivity(int Generators, double BusySeconds);

/// <summary>
/// Turns what the two actors report (<see cref="LatestMetrics"/> from the metrics recorder,
/// <see cref="CoordinatorStats"/> from the rollout coordinator) into a <see cref="LiveSnapshot"/>. Rates need two
/// readings, so the previous snapshot comes in too.
/// </summary>
public static class LiveSnapshotBuilder
{
    /// <summary>
    /// Time constant of the rate smoothing. Token counts arrive in bursts (one group at a time), so a rate over a
    /// single half-second poll jumps between zero and several times the truth; an exponential average over a few
    /// seconds shows the throughput a reader can act on and still follows a real change within seconds.
    /// </summary>
    public static readonly TimeSpan RateSmoothing = TimeSpan.FromSeconds(5);

    public static LiveSnapshot Build(
        LearnerPlan plan,
        LatestMetrics? metrics,
        CoordinatorStats? stats,
        LiveSnapshot? previous,
        TimeSpan elapsed,
        GeneratorActivity? generators = null)
    {
        var byKind = metrics?.ByKind ?? new Dictionary<string, MetricsRecord>();
        var sft = byKind.GetValueOrDefault("sft");
        var rl = byKind.GetValueOrDefault("rl");
        var eval = byKind.GetValueOrDefault("eval");
        var (stage, step, total) = StageOf(plan, sft, rl, eval);
        double? Rl(string key) => Value(rl, key);

        var interval = previous is null ? TimeSpan.Zero : elapsed - previous.Elapsed;
        var tokens = stats?.TokensGenerated ?? previous?.TokensGenerated ?? 0;
        var busyRate = generators is null
            ? null
            : Rate(generators.BusySeconds, previous?.GeneratorBusySeconds, previous?.GeneratorBusyRate, elapsed, interval);
        return new LiveSnapshot
        {
            Stage = stage,
            Step = step,
            TotalSteps = total,
            Version = Math.Max(stats?.LearnerVersion ?? 0, new[] { sft, rl, eval }.Max(r => r?.Version ?? 0)),
            Elapsed = elapsed,
            Loss = stage == RunStage.Sft ? Value(sft, "loss") : Rl("loss") ?? Value(sft, "loss"),
            Reward = Rl("reward_mean"),
            Accuracy = Value(eval, "accuracy"),
            AccuracyBeforeRl = previous?.AccuracyBeforeRl ?? (eval is { Step: 0 } ? Value(eval, "accuracy") : null),
            ResponseLength = Rl("response_length_mean"),
            ClipFraction = Rl("clip_fraction"),
            Entropy = Rl("entropy"),
            StalenessMean = Rl("staleness_mean"),
            StalenessMax = Rl("staleness_max"),
            DroppedStale = stats?.DroppedStale ?? previous?.DroppedStale ?? 0,
            DroppedUniform = stats?.DroppedUniform ?? previous?.DroppedUniform ?? 0,
            WaitsForDueGroup = stats?.LearnerWaitsForDueGroup ?? previous?.WaitsForDueGroup ?? 0,
            InFlight = stats?.InFlight ?? 0,
            Buffered = stats?.Buffered ?? 0,
            BufferCapacity = stats?.Capacity ?? previous?.BufferCapacity ?? 0,
            TokensGenerated = tokens,
            TokensPerSecond = Rate(tokens, previous?.TokensGenerated, previous?.TokensPerSecond, elapsed, interval),
            LearnerStepSeconds = Rl("learner_step_seconds"),
            LearnerIdleFraction = IdleFraction(Rl("learner_idle_seconds"), Rl("learner_step_seconds")),
            GeneratorBusySeconds = generators?.BusySeconds,
            GeneratorBusyRate = busyRate,
            GeneratorIdleFraction = busyRate is { } rate && generators is { Generators: > 0 } g
                ? Math.Clamp(1 - rate / g.Generators, 0, 1)
                : null,
        };
    }

    /// <summary>
    /// The stage from the latest record of each kind and the plan. The learner evaluates synchronously, so an
    /// evaluation is under way exactly when an evaluation point has been reached and its record is not in yet.
    /// </summary>
    public static (RunStage Stage, int Step, int Total) StageOf(LearnerPlan plan, MetricsRecord? sft, MetricsRecord? rl, MetricsRecord? eval)
    {
        var sftStep = sft?.Step ?? 0;
        var rlStep = rl?.Step ?? 0;
        var evaluatedAt = eval?.Step ?? -1;
        if (rlStep == 0)
        {
            if (plan.WarmStartSteps > 0 && sftStep < plan.WarmStartSteps) return (RunStage.Sft, sftStep, plan.WarmStartSteps);
            if (plan.EvaluateAround && evaluatedAt < 0) return (RunStage.Eval, 0, plan.RlSteps);
            return (plan.RlSteps == 0 ? RunStage.Done : RunStage.Rl, 0, plan.RlSteps);
        }
        if (rlStep >= plan.RlSteps)
            return (plan.EvaluateAround && evaluatedAt < rlStep ? RunStage.Eval : RunStage.Done, rlStep, plan.RlSteps);
        if (plan.EvalEvery > 0 && rlStep % plan.EvalEvery == 0 && evaluatedAt < rlStep) return (RunStage.Eval, rlStep, plan.RlSteps);
        return (RunStage.Rl, rlStep, plan.RlSteps);
    }

    /// <summary>idle / (idle + compute) of the last learner step.</summary>
    public static double? IdleFraction(double? idleSeconds, double? busySeconds) =>
        idleSeconds is { } idle && busySeconds is { } busy && idle + busy > 0 ? idle / (idle + busy) : null;

    /// <summary>
    /// Per-second rate of a counter. The first reading has no interval of its own, so it uses the average since the
    /// start; later readings move the previous rate towards the latest interval's rate with weight 1 − e^(−Δt/τ).
    /// </summary>
    public static double? Rate(double counter, double? previousCounter, double? previousRate, TimeSpan elapsed, TimeSpan interval)
    {
        if (previousCounter is not { } before || previousRate is not { } rate || interval <= TimeSpan.Zero)
            return elapsed > TimeSpan.Zero ? counter / elapsed.TotalSeconds : null;
        var latest = (counter - before) / interval.TotalSeconds;
        var weight = 1 - Math.Exp(-interval.TotalSeconds / RateSmoothing.TotalSeconds);
        return rate + weight * (latest - rate);
    }

    private static double? Value(MetricsRecord? record, string key) =>
        record is not null && record.Values.TryGetValue(key, out var value) && double.IsFinite(value) ? value : null;
}
