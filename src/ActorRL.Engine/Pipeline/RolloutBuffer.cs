using ActorRL.Core.Rollouts;

namespace ActorRL.Engine.Pipeline;

/// <summary>Why a finished group was not used.</summary>
public enum DropReason { TooStale, UniformRewards }

/// <summary>
/// Admitted groups waiting for the learner, oldest first, under the staleness bound η. A group is admitted only
/// if <c>learner version − oldest token version ≤ η</c>; groups that age past the bound while waiting are
/// dropped when a batch is taken. With dynamic sampling (DAPO) groups whose rewards are all equal carry no
/// learning signal and are dropped on arrival. Pure bookkeeping; the coordinator actor owns one.
/// </summary>
public sealed class RolloutBuffer(int maxStaleness, bool dynamicSampling)
{
    private readonly List<RolloutGroup> _groups = new();

    public int Count => _groups.Count;
    public long DroppedStale { get; private set; }
    public long DroppedUniform { get; private set; }

    /// <summary>Admits <paramref name="group"/> or says why not.</summary>
    public DropReason? Offer(RolloutGroup group, long learnerVersion)
    {
        if (group.Staleness(learnerVersion) > maxStaleness)
        {
            DroppedStale++;
            return DropReason.TooStale;
        }
        if (dynamicSampling && group.Rollouts.Count > 1 && group.AllRewardsEqual)
        {
            DroppedUniform++;
            return DropReason.UniformRewards;
        }
        // Keep the list ordered by oldest token version (stable for equal versions: arrival order).
        var index = _groups.FindLastIndex(g => g.OldestTokenVersion <= group.OldestTokenVersion) + 1;
        _groups.Insert(index, group);
        return null;
    }

    /// <summary>
    /// Takes the <paramref name="count"/> oldest admissible groups for a learner at <paramref name="learnerVersion"/>,
    /// dropping (and reporting) any that have become too stale. Returns null, taking nothing, if fewer remain.
    /// </summary>
    public IReadOnlyList<RolloutGroup>? TryTake(int count, long learnerVersion, out IReadOnlyList<RolloutGroup> droppedNow)
    {
        var stale = _groups.Where(g => g.Staleness(learnerVersion) > maxStaleness).ToList();
        if (stale.Count > 0)
        {
            _groups.RemoveAll(g => g.Staleness(learnerVersion) > maxStaleness);
            DroppedStale += stale.Count;
        }
        droppedNow = stale;
        if (_groups.Count < count) return null;
        var batch = _groups.GetRange(0, count);
        _groups.RemoveRange(0, count);
        return batch;
    }
}
