using System.Collections.Concurrent;
using System.Diagnostics;

namespace ActorRL.Benchmarks.Pipeline;

/// <summary>What an actor was computing during a <see cref="ComputeInterval"/>.</summary>
public enum ComputeKind
{
    /// <summary>Learner: one RL step (scoring, loss, backward, AdamW).</summary>
    LearnerStep,

    /// <summary>Learner: exporting the new weights for the generators (PolicySnapshot).</summary>
    WeightExport,

    /// <summary>Learner: greedy evaluation on the held-out split.</summary>
    Evaluation,

    /// <summary>Generator: prefill and decoding steps.</summary>
    Generation,

    /// <summary>Generator: copying published weights into its replica.</summary>
    WeightLoad,

    /// <summary>Verifier: scoring a group's responses.</summary>
    Verification,
}

/// <summary>One stretch of compute on one actor's thread, in seconds since the timeline started.</summary>
public readonly record struct ComputeInterval(ComputeKind Kind, string Actor, double Start, double End)
{
    public double Seconds => End - Start;
}

/// <summary>The process's total CPU seconds (all threads) at a moment of the timeline.</summary>
public readonly record struct CpuMark(double At, double CpuSeconds);

/// <summary>
/// Records when each actor's compute started and ended, from every actor's thread at once. Everything outside
/// these intervals is the actors' own work (messages, scheduling, bookkeeping) or waiting.
/// </summary>
public sealed class ComputeTimeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<ComputeInterval> _intervals = new();
    private readonly ConcurrentQueue<CpuMark> _cpu = new();

    public IReadOnlyList<ComputeInterval> Intervals => _intervals.ToArray();

    /// <summary>The process's CPU time at chosen moments (how many cores' worth the run used).</summary>
    public IReadOnlyList<CpuMark> CpuMarks => _cpu.ToArray();

    public void MarkCpu() => _cpu.Enqueue(new CpuMark(_clock.Elapsed.TotalSeconds, Environment.CpuUsage.TotalTime.TotalSeconds));

    public T Time<T>(ComputeKind kind, string actor, Func<T> work)
    {
        var start = _clock.Elapsed.TotalSeconds;
        try
        {
            return work();
        }
        finally
        {
            _intervals.Enqueue(new ComputeInterval(kind, actor, start, _clock.Elapsed.TotalSeconds));
        }
    }

    public void Time(ComputeKind kind, string actor, Action work) => Time(kind, actor, () =>
    {
        work();
        return 0;
    });
}
