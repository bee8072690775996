namespace ActorRL.Engine.Pipeline;

/// <summary>
/// A generator that samples, on purpose, with weights <c>lag</c> versions older than the newest it was sent
/// (<c>actorrl.pipeline.policy-lag</c>). On two cores the pipeline never gets as far behind as a large cluster does, so
/// an experiment on staleness forces it: with max-staleness = lag, admission hands prompts out synchronously and every
/// group the learner trains on at version v was sampled by version v − lag (by version 0 while v &lt; lag), a staleness
/// that does not depend on timing, so a deterministic run stays deterministic.
///
/// <see cref="Version"/> is the newest version received, which is what the generator compares with the version its work
/// was assigned at; the tokens record the version that actually sampled them, so the learner's staleness bound and
/// importance ratios see the true lag.
/// </summary>
public sealed class LaggedRolloutBackend : IRolloutBackend
{
    private readonly IRolloutBackend _inner;
    private readonly int _lag;
    private readonly List<WeightsPublished> _received = new();   // oldest first: the one sampling, then newer ones
    private long _newest = -1;

    private LaggedRolloutBackend(IRolloutBackend inner, int lag)
    {
        _inner = inner;
        _lag = lag;
    }

    /// <summary><paramref name="inner"/> itself when <paramref name="lag"/> is 0.</summary>
    public static IRolloutBackend Over(IRolloutBackend inner, int lag)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lag);
        return lag == 0 ? inner : new LaggedRolloutBackend(inner, lag);
    }

    public long Version => _newest;

    public void LoadWeights(WeightsPublished weights)
    {
        if (weights.Version <= _newest) return;
        _newest = weights.Version;
        _received.Add(weights);
        // Sample with the newest version that is at least lag behind (the oldest received while none is yet). Versions
        // a hub skipped (an asynchronous run coalesces publications) never make the lag shorter than asked.
        while (_received.Count > 1 && _received[1].Version <= _newest - _lag) _received.RemoveAt(0);
        var sampling = _received[0];
        if (sampling.Version != _inner.Version) _inner.LoadWeights(sampling);
    }

    public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName) => _inner.Begin(items, generatorName);

    public void Dispose() => _inner.Dispose();
}
