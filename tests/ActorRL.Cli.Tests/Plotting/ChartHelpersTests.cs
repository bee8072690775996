using ActorRL.Cli.Plotting;
using ScottPlot;

namespace ActorRL.Cli.Tests.Plotting;

public sealed class ChartHelpersTests
{
    [Fact]
    public void TheTrailingAverageNeverLooksAhead()
    {
        Assert.Equal([1.0, 1.5, 2, 3, 4], MovingAverage.Trailing([1, 2, 3, 4, 5], window: 3));
        Assert.Equal([4.0, 4, 4], MovingAverage.Trailing([4, 4, 4], window: 10));
    }

    [Theory]
    [InlineData(20, 5)]
    [InlineData(200, 10)]
    [InlineData(5000, 50)]
    public void TheWindowIsAboutFivePercentOfTheRun(int points, int window) => Assert.Equal(window, MovingAverage.WindowFor(points));

    [Fact]
    public void TheLegendGoesToTheCornerWithoutData()
    {
        var limits = new AxisLimits(0, 100, 0, 1);
        // A rising curve fills the lower left and upper right.
        var rising = Enumerable.Range(0, 101).Select(x => ((double)x, x / 100.0)).ToList();
        var (corner, covered) = LegendPlacement.BestCorner(rising, limits);
        Assert.Equal(Alignment.UpperLeft, corner);
        Assert.Equal(0, covered);
        // A falling one: the upper right is free and preferred.
        var falling = rising.Select(p => (p.Item1, 1 - p.Item2)).ToList();
        Assert.Equal(Alignment.UpperRight, LegendPlacement.BestCorner(falling, limits).Corner);
    }
}
