using ActorRL.Benchmarks.Pipeline;

namespace ActorRL.Benchmarks.Tests.Pipeline;

/// <summary>How a run's compute timeline becomes idle fractions, overlap and actor overhead.</summary>
public sealed class TimeBreakdownTests
{
    private static ComputeInterval I(ComputeKind kind, double start, double end, string actor = "a") => new(kind, actor, start, end);

    /// <summary>A synchronous run, by hand: eval, then [generate 2 s, verify 0.5 s, train 1 s, export 0.1 s] twice, then eval.</summary>
    private static List<ComputeInterval> SyncRun() => new()
    {
        I(ComputeKind.Evaluation, 0, 2),
        I(ComputeKind.WeightExport, 2.0, 2.1),
        I(ComputeKind.WeightLoad, 2.2, 2.3),
        I(ComputeKind.Generation, 2.3, 4.3),
        I(ComputeKind.Verification, 4.4, 4.9),
        I(ComputeKind.LearnerStep, 5.0, 6.0),
        I(ComputeKind.WeightExport, 6.0, 6.1),
        I(ComputeKind.WeightLoad, 6.2, 6.3),
        I(ComputeKind.Generation, 6.3, 8.3),
        I(ComputeKind.Verification, 8.4, 8.9),
        I(ComputeKind.LearnerStep, 9.0, 10.0),
        I(ComputeKind.WeightExport, 10.0, 10.1),
        // After the window: the final evaluation, and the generator adopting the last weights meanwhile.
        I(ComputeKind.Evaluation, 10.2, 12.2),
        I(ComputeKind.WeightLoad, 10.3, 10.4),
    };

    [Fact]
    public void TheWindowIsTheRlStageBetweenTheEvaluationsAndTheirTimeIsReportedApart()
    {
        var t = TimeBreakdown.Of(SyncRun(), generators: 1);

        Assert.Equal(2.0, t.WindowStart, 9);
        Assert.Equal(10.1, t.WindowEnd, 9);
        Assert.Equal(8.1, t.WallSeconds, 9);
        Assert.Equal(4.0, t.EvaluationOutsideSeconds, 9);
        Assert.Equal(0, t.SecondsOf(ComputeKind.Evaluation));
        Assert.Equal(0.2, t.SecondsOf(ComputeKind.WeightLoad), 9);
    }

    [Fact]
    public void InASerialRunActorOverheadIsWallMinusTheSumOfCompute()
    {
        var t = TimeBreakdown.Of(SyncRun(), generators: 1);

        var compute = 0.3 + 0.2 + 4.0 + 1.0 + 2.0; // exports, loads, generation, verification, learner steps
        Assert.Equal(compute, t.BusySeconds, 9);
        Assert.Equal(0, t.OverlapSeconds, 9);
        Assert.Equal(8.1 - compute, t.NothingRunningSeconds, 9);
        Assert.Equal((8.1 - compute) / 8.1, t.ActorOverheadShare, 9);
        // Learner: 2 s of steps + 0.3 s of exports in 8.1 s; generator: 4 s decoding + 0.2 s loading.
        Assert.Equal(1 - 2.3 / 8.1, t.LearnerIdleFraction, 9);
        Assert.Equal(1 - 4.2 / 8.1, t.GeneratorIdleFraction, 9);
    }

    [Fact]
    public void OverlappingComputeIsCountedOnceAndReportedAsOverlap()
    {
        var intervals = new List<ComputeInterval>
        {
            I(ComputeKind.Evaluation, 0, 1),
            I(ComputeKind.Generation, 1, 4, "generator-1"),
            I(ComputeKind.Generation, 1, 3, "generator-2"),
            I(ComputeKind.LearnerStep, 2, 5),
            I(ComputeKind.Verification, 5.5, 6),
            I(ComputeKind.LearnerStep, 6, 7),
        };

        var t = TimeBreakdown.Of(intervals, generators: 2);

        Assert.Equal(6.0, t.WallSeconds, 9);
        Assert.Equal(5.5, t.BusySeconds, 9); // [1, 5] and [5.5, 7]
        Assert.Equal(3 + 2 + 3 + 0.5 + 1 - 5.5, t.OverlapSeconds, 9);
        Assert.Equal(0.5 / 6, t.ActorOverheadShare, 9);
        Assert.Equal(1 - 5.0 / 12, t.GeneratorIdleFraction, 9);
        Assert.Equal(1 - 4.0 / 6, t.LearnerIdleFraction, 9);
    }

    [Fact]
    public void WithoutAnEvaluationTheWindowStartsAtTheFirstCompute()
    {
        var t = TimeBreakdown.Of(new List<ComputeInterval>
        {
            I(ComputeKind.Generation, 3, 4),
            I(ComputeKind.LearnerStep, 4.5, 5),
        }, generators: 1);

        Assert.Equal(3, t.WindowStart, 9);
        Assert.Equal(2, t.WallSeconds, 9);
        Assert.Equal(0.5 / 2, t.ActorOverheadShare, 9);
    }

    [Fact]
    public void CoresUsedIsTheCpuTimeBetweenTheMarksNearestTheWindowOverItsLength()
    {
        var marks = new List<CpuMark> { new(1.95, 10), new(2.0, 10.5), new(6.1, 15), new(10.1, 22.5), new(12.2, 25) };

        var t = TimeBreakdown.Of(SyncRun(), generators: 1, marks);

        Assert.Equal(12.0, t.CpuSeconds!.Value, 9);
        Assert.Equal(12.0 / 8.1, t.CoresUsed!.Value, 9);
        Assert.Null(TimeBreakdown.Of(SyncRun(), generators: 1).CoresUsed);
    }

    [Fact]
    public void UnionMergesNestedAndTouchingIntervals()
    {
        var intervals = new List<ComputeInterval>
        {
            I(ComputeKind.Generation, 5, 6),
            I(ComputeKind.Generation, 0, 3),
            I(ComputeKind.LearnerStep, 1, 2),
            I(ComputeKind.LearnerStep, 3, 4),
        };

        Assert.Equal(5, TimeBreakdown.UnionSeconds(intervals), 9);
        Assert.Equal(0, TimeBreakdown.UnionSeconds(Array.Empty<ComputeInterval>()));
    }

    [Fact]
    public void ARunWithoutLearnerStepsIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => TimeBreakdown.Of(new List<ComputeInterval> { I(ComputeKind.Generation, 0, 1) }, 1));
        Assert.Contains("no RL step", e.Message);
    }
}
