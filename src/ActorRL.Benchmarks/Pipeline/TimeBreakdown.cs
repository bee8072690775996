namespace ActorRL.Benchmarks.Pipeline;

/// <summary>
/// Where the wall time of a run's RL stage went, from a <see cref="ComputeTimeline"/>.
///
/// The window is the RL stage proper: from the end of the evaluation before RL (or the first compute, when there
/// is none) to the end of the learner's last step and weight export; the evaluations around it are reported apart.
/// <para><b>Actor overhead</b> = the share of that window during which no compute ran on any actor: no learner step,
/// weight export or evaluation, no decoding or weight load, no verifier. That time is what the actors themselves
/// cost on the critical path (messages, scheduling, bookkeeping, hand-offs between stages). In synchronous mode
/// (η = 0) the stages run one after another, so it equals wall − Σ compute; with overlap it is wall − the length of
/// the union of all compute intervals. Actor work that runs while some model computes is not counted here (on a
/// machine with spare cores it costs nothing; on 2 busy cores it slows the compute it shares them with).</para>
/// </summary>
public sealed record TimeBreakdown(
    double WindowStart,
    double WindowEnd,
    IReadOnlyDictionary<ComputeKind, double> Seconds,
    double BusySeconds,
    double LearnerBusySeconds,
    double GeneratorBusySeconds,
    int Generators,
    double EvaluationOutsideSeconds,
    double? CpuSeconds = null)
{
    /// <summary>Cores' worth of CPU the process used in the window (all threads; null when not measured).</summary>
    public double? CoresUsed => CpuSeconds is { } cpu && WallSeconds > 0 ? cpu / WallSeconds : null;

    public double WallSeconds => WindowEnd - WindowStart;

    /// <summary>Seconds of the window with no compute running anywhere.</summary>
    public double NothingRunningSeconds => Math.Max(0, WallSeconds - BusySeconds);

    public double ActorOverheadShare => WallSeconds <= 0 ? 0 : NothingRunningSeconds / WallSeconds;

    /// <summary>Σ compute − union: seconds during which two or more actors computed at once.</summary>
    public double OverlapSeconds => Math.Max(0, Seconds.Values.Sum() - BusySeconds);

    /// <summary>Share of the window the learner was not computing (waiting for a batch, or its actor's own work).</summary>
    public double LearnerIdleFraction => WallSeconds <= 0 ? 0 : Math.Clamp(1 - LearnerBusySeconds / WallSeconds, 0, 1);

    /// <summary>Share of the generators' time (wall × generators) in which they were not decoding or loading weights.</summary>
    public double GeneratorIdleFraction =>
        WallSeconds <= 0 || Generators <= 0 ? 0 : Math.Clamp(1 - GeneratorBusySeconds / (WallSeconds * Generators), 0, 1);

    public double SecondsOf(ComputeKind kind) => Seconds.GetValueOrDefault(kind);

    private static readonly ComputeKind[] LearnerKinds = { ComputeKind.LearnerStep, ComputeKind.WeightExport, ComputeKind.Evaluation };
    private static readonly ComputeKind[] GeneratorKinds = { ComputeKind.Generation, ComputeKind.WeightLoad };

    /// <param name="cpuMarks">Process CPU time read at moments of the run; the marks nearest the window's ends give its CPU time.</param>
    public static TimeBreakdown Of(IReadOnlyList<ComputeInterval> intervals, int generators, IReadOnlyList<CpuMark>? cpuMarks = null)
    {
        if (intervals.Count == 0) throw new ArgumentException("no compute was recorded", nameof(intervals));
        var steps = intervals.Where(i => i.Kind == ComputeKind.LearnerStep).ToList();
        if (steps.Count == 0) throw new ArgumentException("the learner made no RL step", nameof(intervals));
        var firstStep = steps.Min(i => i.Start);
        var before = intervals.Where(i => i.Kind == ComputeKind.Evaluation && i.End <= firstStep).ToList();
        var start = before.Count > 0 ? before.Max(i => i.End) : intervals.Min(i => i.Start);
        var lastStep = steps.Max(i => i.End);
        var end = intervals.Where(i => LearnerKinds.Contains(i.Kind) && i.Kind != ComputeKind.Evaluation && i.Start >= lastStep - 1e-9)
            .Select(i => i.End).DefaultIfEmpty(lastStep).Max();

        var clipped = intervals
            .Select(i => i with { Start = Math.Max(i.Start, start), End = Math.Min(i.End, end) })
            .Where(i => i.End > i.Start)
            .ToList();
        var seconds = clipped.GroupBy(i => i.Kind).ToDictionary(g => g.Key, g => g.Sum(i => i.Seconds));
        var outside = intervals.Where(i => i.Kind == ComputeKind.Evaluation && (i.End <= start || i.Start >= end)).Sum(i => i.Seconds);
        return new TimeBreakdown(start, end, seconds, UnionSeconds(clipped),
            UnionSeconds(clipped.Where(i => LearnerKinds.Contains(i.Kind)).ToList()),
            clipped.Where(i => GeneratorKinds.Contains(i.Kind)).Sum(i => i.Seconds),
            generators, outside, CpuBetween(cpuMarks, start, end));
    }

    private static double? CpuBetween(IReadOnlyList<CpuMark>? marks, double start, double end)
    {
        if (marks is null || marks.Count < 2) return null;
        CpuMark Nearest(double at) => marks.MinBy(m => Math.Abs(m.At - at));
        var (first, last) = (Nearest(start), Nearest(end));
        return last.At > first.At ? last.CpuSeconds - first.CpuSeconds : null;
    }

    /// <summary>Length of the union of the intervals (overlapping stretches counted once).</summary>
    public static double UnionSeconds(IReadOnlyList<ComputeInterval> intervals)
    {
        double total = 0, runStart = double.NaN, runEnd = double.NaN;
        foreach (var i in intervals.OrderBy(i => i.Start))
        {
            if (double.IsNaN(runStart) || i.Start > runEnd)
            {
                if (!double.IsNaN(runStart)) total += runEnd - runStart;
                runStart = i.Start;
                runEnd = i.End;
            }
            else runEnd = Math.Max(runEnd, i.End);
        }
        return double.IsNaN(runStart) ? total : total + runEnd - runStart;
    }
}
