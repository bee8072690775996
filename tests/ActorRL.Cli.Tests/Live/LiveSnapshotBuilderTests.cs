using ActorRL.Cli.Live;
using ActorRL.Engine.Pipeline;
using static ActorRL.Cli.Tests.Live.LiveSnapshots;

namespace ActorRL.Cli.Tests.Live;

public sealed class LiveSnapshotBuilderTests
{
    private static (RunStage, int, int) Stage(MetricsRecord? sft, MetricsRecord? rl, MetricsRecord? eval, LearnerPlan? plan = null) =>
        LiveSnapshotBuilder.StageOf(plan ?? Plan, sft, rl, eval);

    [Fact]
    public void TheStageFollowsTheLearnerThroughWarmStartEvaluationsAndRl()
    {
        Assert.Equal((RunStage.Sft, 0, 100), Stage(null, null, null));
        Assert.Equal((RunStage.Sft, 40, 100), Stage(Record("sft", 40), null, null));
        // Warm start done, the evaluation before RL not recorded yet: the learner is evaluating.
        Assert.Equal((RunStage.Eval, 0, 120), Stage(Record("sft", 100), null, null));
        Assert.Equal((RunStage.Rl, 0, 120), Stage(Record("sft", 100), null, Record("eval", 0)));
        Assert.Equal((RunStage.Rl, 19, 120), Stage(Record("sft", 100), Record("rl", 19), Record("eval", 0)));
        // Step 20 is an evaluation point (eval-every = 20) until its record arrives.
        Assert.Equal((RunStage.Eval, 20, 120), Stage(Record("sft", 100), Record("rl", 20), Record("eval", 0)));
        Assert.Equal((RunStage.Rl, 20, 120), Stage(Record("sft", 100), Record("rl", 20), Record("eval", 20)));
        // After the last step comes the final evaluation, then the run is done.
        Assert.Equal((RunStage.Eval, 120, 120), Stage(Record("sft", 100), Record("rl", 120), Record("eval", 100)));
        Assert.Equal((RunStage.Done, 120, 120), Stage(Record("sft", 100), Record("rl", 120), Record("eval", 120)));
    }

    [Fact]
    public void WithoutWarmStartOrEvaluationsTheRunStartsInRl()
    {
        var plan = new LearnerPlan(0, 50, 8, 0, EvaluateAround: false);
        Assert.Equal((RunStage.Rl, 0, 50), Stage(null, null, null, plan));
        Assert.Equal((RunStage.Rl, 20, 50), Stage(null, Record("rl", 20), null, plan));
        Assert.Equal((RunStage.Done, 50, 50), Stage(null, Record("rl", 50), null, plan));
    }

    [Fact]
    public void NumbersComeFromTheLatestRecordsAndTheCoordinator()
    {
        var latest = Latest(
            Record("sft", 100, ("loss", 0.4)),
            Record("rl", 7, ("loss", 0.01), ("reward_mean", 0.6), ("response_length_mean", 11.5), ("clip_fraction", 0.03),
                ("entropy", 0.7), ("staleness_mean", 1.25), ("staleness_max", 2), ("learner_step_seconds", 0.75), ("learner_idle_seconds", 0.25)),
            Record("eval", 0, ("accuracy", 0.31)));
        var s = LiveSnapshotBuilder.Build(Plan, latest, Stats(tokens: 5000, droppedStale: 2, droppedUniform: 9, version: 107, waitsForDue: 4), null, TimeSpan.FromSeconds(10));

        Assert.Equal((RunStage.Rl, 7, 120, 107L), (s.Stage, s.Step, s.TotalSteps, s.Version));
        Assert.Equal(0.01, s.Loss);
        Assert.Equal(0.6, s.Reward);
        Assert.Equal(0.31, s.Accuracy);
        Assert.Equal(0.31, s.AccuracyBeforeRl);
        Assert.Equal(11.5, s.ResponseLength);
        Assert.Equal(0.03, s.ClipFraction);
        Assert.Equal(0.7, s.Entropy);
        Assert.Equal((1.25, 2.0), (s.StalenessMean!.Value, s.StalenessMax!.Value));
        Assert.Equal((2L, 9L, 4L), (s.DroppedStale, s.DroppedUniform, s.WaitsForDueGroup));
        Assert.Equal((3, 8, 4), (s.Buffered, s.BufferCapacity, s.InFlight));
        Assert.Equal(0.75, s.LearnerStepSeconds);
        Assert.Equal(0.25, s.LearnerIdleFraction!.Value, 12);
        Assert.Null(s.GeneratorIdleFraction);
    }

    [Fact]
    public void DuringTheWarmStartRlNumbersAreMissingNotZero()
    {
        var s = LiveSnapshotBuilder.Build(Plan, Latest(Record("sft", 30, ("loss", 1.7))), Stats(), null, TimeSpan.FromSeconds(5));
        Assert.Equal((RunStage.Sft, 30), (s.Stage, s.Step));
        Assert.Equal(1.7, s.Loss);
        Assert.Null(s.Reward);
        Assert.Null(s.Accuracy);
        Assert.Null(s.LearnerIdleFraction);
        Assert.Null(s.StalenessMax);
    }

    [Fact]
    public void TheAccuracyBeforeRlIsRememberedAfterLaterEvaluationsReplaceIt()
    {
        var before = LiveSnapshotBuilder.Build(Plan, Latest(Record("eval", 0, ("accuracy", 0.3))), Stats(), null, TimeSpan.FromSeconds(1));
        var later = LiveSnapshotBuilder.Build(Plan, Latest(Record("rl", 40), Record("eval", 40, ("accuracy", 0.55))), Stats(), before, TimeSpan.FromSeconds(2));
        Assert.Equal(0.55, later.Accuracy);
        Assert.Equal(0.3, later.AccuracyBeforeRl);
    }

    [Fact]
    public void TheFirstTokenRateIsTheAverageSinceTheStartAndASteadyRateStaysPut()
    {
        var first = LiveSnapshotBuilder.Build(Plan, null, Stats(tokens: 2000), null, TimeSpan.FromSeconds(4));
        Assert.Equal(500, first.TokensPerSecond!.Value, 9);
        var second = LiveSnapshotBuilder.Build(Plan, null, Stats(tokens: 2250), first, TimeSpan.FromSeconds(4.5));
        Assert.Equal(500, second.TokensPerSecond!.Value, 9);
    }

    [Fact]
    public void ABurstMovesTheTokenRateByTheSmoothingWeightOnly()
    {
        var first = LiveSnapshotBuilder.Build(Plan, null, Stats(tokens: 1000), null, TimeSpan.FromSeconds(10));
        // 1000 tokens in the next half second: 2000 tokens/s over that interval, against 100 before.
        var burst = LiveSnapshotBuilder.Build(Plan, null, Stats(tokens: 2000), first, TimeSpan.FromSeconds(10.5));
        var weight = 1 - Math.Exp(-0.5 / LiveSnapshotBuilder.RateSmoothing.TotalSeconds);
        Assert.Equal(100 + weight * (2000 - 100), burst.TokensPerSecond!.Value, 9);
        // Then nothing for a while: the rate decays towards zero.
        var quiet = LiveSnapshotBuilder.Build(Plan, null, Stats(tokens: 2000), burst, TimeSpan.FromSeconds(20.5));
        Assert.True(quiet.TokensPerSecond < burst.TokensPerSecond * 0.2);
    }

    [Fact]
    public void NoElapsedTimeMeansNoRate()
    {
        var s = LiveSnapshotBuilder.Build(Plan, null, Stats(tokens: 10), null, TimeSpan.Zero);
        Assert.Null(s.TokensPerSecond);
    }

    [Fact]
    public void GeneratorIdleFractionComesFromBusySecondsPerGenerator()
    {
        // Two generators, 6 busy seconds in the first 10 s: each was busy 30 % of the time, idle 70 %.
        var first = LiveSnapshotBuilder.Build(Plan, null, Stats(), null, TimeSpan.FromSeconds(10), new GeneratorActivity(2, 6));
        Assert.Equal(0.7, first.GeneratorIdleFraction!.Value, 9);
        // Fully busy from then on: the idle fraction falls towards zero, never below.
        var s = first;
        for (var t = 1; t <= 60; t++)
            s = LiveSnapshotBuilder.Build(Plan, null, Stats(), s, TimeSpan.FromSeconds(10 + t), new GeneratorActivity(2, 6 + 2.0 * t));
        Assert.InRange(s.GeneratorIdleFraction!.Value, 0, 0.01);
    }

    [Theory]
    [InlineData(0.25, 0.75, 0.25)]
    [InlineData(0.0, 2.0, 0.0)]
    [InlineData(3.0, 1.0, 0.75)]
    public void LearnerIdleFractionIsIdleOverIdlePlusCompute(double idle, double busy, double expected) =>
        Assert.Equal(expected, LiveSnapshotBuilder.IdleFraction(idle, busy)!.Value, 12);

    [Fact]
    public void LearnerIdleFractionNeedsBothTimes()
    {
        Assert.Null(LiveSnapshotBuilder.IdleFraction(null, 1));
        Assert.Null(LiveSnapshotBuilder.IdleFraction(0, 0));
    }

    [Fact]
    public async Task TheSourceAsksBothActorsAndCarriesThePreviousSnapshotForRates()
    {
        long tokens = -1000;
        var source = new LiveSnapshotSource(Plan,
            () => Task.FromResult(Latest(Record("rl", 3, ("reward_mean", 0.5)))),
            () => Task.FromResult(Stats(tokens: tokens += 1000)));
        var first = await source.NextAsync();
        await Task.Delay(50);
        var second = await source.NextAsync();
        Assert.Equal(0.5, second.Reward);
        Assert.Equal((0L, 1000L), (first.TokensGenerated, second.TokensGenerated));
        Assert.True(second.Elapsed > first.Elapsed);
        Assert.Equal(0, first.TokensPerSecond);
        Assert.True(second.TokensPerSecond > 0, "1000 tokens since the last poll must raise the rate");
    }
}
