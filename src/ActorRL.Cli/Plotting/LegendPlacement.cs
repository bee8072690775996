using ScottPlot;

namespace ActorRL.Cli.Plotting;

/// <summary>
/// Puts the legend in the corner that hides the fewest data points: training curves rise or fall, so a fixed corner
/// covers the interesting end of some chart.
/// </summary>
public static class LegendPlacement
{
    /// <summary>Share of the data area a legend roughly covers, horizontally and vertically.</summary>
    public const double Width = 0.4;
    public const double Height = 0.3;

    private static readonly Alignment[] Corners = [Alignment.UpperRight, Alignment.UpperLeft, Alignment.LowerRight, Alignment.LowerLeft];

    /// <summary>The corner covering the fewest points, and how many points it covers.</summary>
    public static (Alignment Corner, int Covered) BestCorner(IEnumerable<(double X, double Y)> points, AxisLimits limits)
    {
        var counts = new int[Corners.Length];
        foreach (var (x, y) in points)
        {
            var fx = (x - limits.Left) / (limits.Right - limits.Left);
            var fy = (y - limits.Bottom) / (limits.Top - limits.Bottom);
            for (var i = 0; i < Corners.Length; i++)
                if (Covers(Corners[i], fx, fy)) counts[i]++;
        }
        // Ties go to the earlier corner: upper right is where readers look for a legend first.
        var best = Array.IndexOf(counts, counts.Min());
        return (Corners[best], counts[best]);
    }

    private static bool Covers(Alignment corner, double fx, double fy) => corner switch
    {
        Alignment.UpperRight => fx >= 1 - Width && fy >= 1 - Height,
        Alignment.UpperLeft => fx <= Width && fy >= 1 - Height,
        Alignment.LowerRight => fx >= 1 - Width && fy <= Height,
        _ => fx <= Width && fy <= Height,
    };
}
