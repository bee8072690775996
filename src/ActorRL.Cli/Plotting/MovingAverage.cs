namespace ActorRL.Cli.Plotting;

/// <summary>
/// Trailing moving average, the smoothing a reader expects from training dashboards: the value at step i averages
/// steps i−w+1..i, so a curve never shows a change before it happened. The first points average what exists.
/// </summary>
public static class MovingAverage
{
    /// <summary>Below this many points a series is drawn as is: there is nothing to smooth.</summary>
    public const int MinimumPoints = 20;

    /// <summary>About 5 % of the run, at least 5 and at most 50 points.</summary>
    public static int WindowFor(int points) => Math.Clamp(points / 20, 5, 50);

    public static double[] Trailing(IReadOnlyList<double> values, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var result = new double[values.Count];
        var sum = 0.0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
