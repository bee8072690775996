namespace ActorRL.Cli.Plotting;

/// <summary>How a series is drawn.</summary>
public enum SeriesStyle
{
    /// <summary>A plain line through every point.</summary>
    Line,
    /// <summary>Noisy per-step values: the raw line drawn faintly, a trailing moving average drawn bold on top.</summary>
    Smoothed,
    /// <summary>Only the moving average: secondary lines of a busy chart, where faint raw lines would be clutter.</summary>
    Average,
    /// <summary>Sparse points (evaluations): markers joined by a line, each point labelled with its value.</summary>
    Points,
}

/// <summary>One line of a chart: a metric of one record kind, with its legend text.</summary>
public sealed record SeriesSpec(string Kind, string Metric, string Label, SeriesStyle Style = SeriesStyle.Line);

/// <summary>
/// One chart. <paramref name="Name"/> is its file name without .png. <paramref name="Percent"/> shows fractions
/// as percentages; <paramref name="FullPercentRange"/> pins the y axis to 0–100 % (accuracy, so runs compare at a
/// glance); <paramref name="FromZero"/> starts the y axis at 0 for quantities that cannot be negative.
/// <paramref name="LogScale"/> draws the y axis in powers of ten (learning rates of stages that differ tenfold).
/// <paramref name="InOverview"/> puts the chart on overview.png.
/// </summary>
public sealed record ChartSpec(
    string Name,
    string Title,
    string YLabel,
    IReadOnlyList<SeriesSpec> Series,
    bool Percent = false,
    bool FullPercentRange = false,
    bool FromZero = false,
    bool LogScale = false,
    bool InOverview = false);
