using System.Diagnostics;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Live;

/// <summary>
/// The poll function for <see cref="LiveProgressView.RunAsync"/>: asks the metrics recorder and the rollout
/// coordinator (through the delegates, e.g. <c>() =&gt; recorder.Ask&lt;LatestMetrics&gt;(GetLatestMetrics.Instance, timeout)</c>),
/// and remembers the previous snapshot so rates can be computed. Elapsed time counts from construction.
/// </summary>
public sealed class LiveSnapshotSource(
    LearnerPlan plan,
    Func<Task<LatestMetrics>> latestMetrics,
    Func<Task<CoordinatorStats>> coordinatorStats,
    Func<Task<GeneratorActivity?>>? generatorActivity = null)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private LiveSnapshot? _previous;

    public async Task<LiveSnapshot> NextAsync()
    {
        var metrics = await latestMetrics();
        var stats = await coordinatorStats();
        var generators = generatorActivity is null ? null : await generatorActivity();
        _previous = LiveSnapshotBuilder.Build(plan, metrics, stats, _previous, _clock.Elapsed, generators);
        return _previous;
    }
}
