using ActorRL.Cli.Plotting;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Tests.Plotting;

public sealed class RunTimelineTests
{
    private static MetricsRecord R(string kind, int step, double value, string metric = "m") =>
        new(kind, step, step, step, new Dictionary<string, double> { [metric] = value });

    [Fact]
    public void RlStepsAndEvaluationsContinueTheWarmStartsStepCount()
    {
        var timeline = new RunTimeline([R("sft", 1, 1), R("sft", 2, 1), R("sft", 3, 1), R("eval", 0, 0.3), R("rl", 1, 5), R("rl", 2, 6), R("eval", 2, 0.5)]);

        Assert.Equal(3, timeline.WarmStartSteps);
        Assert.Equal(2, timeline.RlSteps);
        Assert.Equal(3.0, timeline.RlStart);
        Assert.Equal([1.0, 2, 3], timeline.Series("sft", "m").X);
        Assert.Equal([4.0, 5], timeline.Series("rl", "m").X);
        Assert.Equal([3.0, 5], timeline.Series("eval", "m").X); // before RL at the boundary, then after RL step 2
        Assert.Equal("learner step (warm start 1–3, RL 4–5)", timeline.XLabel);
    }

    [Fact]
    public void ARunWithoutWarmStartHasNoBoundaryAndPlainSteps()
    {
        var timeline = new RunTimeline([R("rl", 1, 5), R("rl", 2, 6)]);
        Assert.Null(timeline.RlStart);
        Assert.Equal([1.0, 2], timeline.Series("rl", "m").X);
        Assert.Equal("learner step", timeline.XLabel);
    }

    [Fact]
    public void NonFiniteValuesAreGapsAndMissingMetricsAreEmpty()
    {
        var timeline = new RunTimeline([R("rl", 1, 5), R("rl", 2, double.NaN), R("rl", 3, 7)]);
        Assert.Equal([1.0, 3], timeline.Series("rl", "m").X);
        Assert.Equal([5.0, 7], timeline.Series("rl", "m").Y);
        Assert.False(timeline.Has("rl", "other"));
        Assert.False(timeline.Has("sft", "m"));
    }
}
