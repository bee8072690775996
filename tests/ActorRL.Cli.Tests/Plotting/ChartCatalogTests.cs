using ActorRL.Cli.Plotting;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Tests.Plotting;

public sealed class ChartCatalogTests
{
    [Fact]
    public void AFullRunGetsTheMainChartsFirstInTheOverviewThenEveryOtherMetric()
    {
        var selection = ChartCatalog.For(new RunTimeline(SyntheticRun.Records()));
        var names = selection.Charts.Select(c => c.Name).ToList();

        string[] main = ["reward", "accuracy", "response_length", "clip_fraction", "entropy", "staleness", "loss_sft", "loss_rl", "learner_time"];
        Assert.Equal(main, names.Take(main.Length));
        Assert.Equal(main, selection.Charts.Where(c => c.InOverview).Select(c => c.Name));
        // Known secondary metrics keep their titles; a metric nobody told the catalog about still gets a chart.
        Assert.Contains("grad_norm", names);
        Assert.Contains("lr", names);
        var unknown = Assert.Single(selection.Charts, c => c.Name == "grad_clip_fraction");
        Assert.Equal("Grad clip fraction", unknown.Title);
        // Constant bookkeeping is listed, not drawn.
        Assert.Contains("groups = 8", selection.ConstantMetrics);
        Assert.Contains("eval_prompts = 200", selection.ConstantMetrics);
        Assert.DoesNotContain("groups", names);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void RewardPartsJoinTheRewardChartAndEvalLengthJoinsTheLengthChart()
    {
        var charts = ChartCatalog.For(new RunTimeline(SyntheticRun.Records())).Charts;
        var reward = charts.Single(c => c.Name == "reward");
        Assert.Equal(["reward_mean", "reward_correct", "reward_format"], reward.Series.Select(s => s.Metric));
        var length = charts.Single(c => c.Name == "response_length");
        Assert.Equal([("rl", "response_length_mean"), ("eval", "eval_response_length_mean")], length.Series.Select(s => (s.Kind, s.Metric)));
    }

    [Fact]
    public void TheAccuracyTitleSaysWhereItStartedAndEnded()
    {
        var accuracy = ChartCatalog.For(new RunTimeline(SyntheticRun.Records())).Charts.Single(c => c.Name == "accuracy");
        Assert.Equal("Held-out accuracy: 31.0% → 73.0%", accuracy.Title);
        Assert.True(accuracy.FullPercentRange);
    }

    [Fact]
    public void ChartsWithoutDataAreLeftOut()
    {
        var records = Enumerable.Range(1, 30).Select(step => new MetricsRecord("rl", step, step, step, new Dictionary<string, double>
        {
            ["reward_mean"] = step / 30.0,
            ["loss"] = 0.1 / step,
        })).ToList();
        var names = ChartCatalog.For(new RunTimeline(records)).Charts.Select(c => c.Name).ToList();
        Assert.Equal(["reward", "loss_rl"], names);
    }
}
