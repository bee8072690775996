using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// Group-relative advantage estimators, one value per response (broadcast to its tokens by the loss).
/// Registry keyed by the <c>actorrl.algorithm.advantage</c> name. Every estimator gives a group of one response
/// advantage 0: with nothing to compare against there is no learning signal.
/// </summary>
public static class AdvantageEstimators
{
    /// <summary>An estimator: per-response group statistics → advantages [N]. Prints as its configuration name.</summary>
    public sealed record Estimator(string Name, Func<GroupStatistics, AdvantageOptions, Tensor> Estimate)
    {
        public override string ToString() => Name;
    }

    /// <summary>GRPO (DeepSeekMath, arXiv 2402.03300): A_i = (R_i − mean_g R) / (std_g R + eps).</summary>
    public static readonly Estimator Grpo = new("grpo", (g, o) => g.Deviation / (g.Std(o.PopulationStd) + o.Eps));

    /// <summary>Dr. GRPO (arXiv 2503.20783): A_i = R_i − mean_g R (no std division: it biases towards easy/hard prompts).</summary>
    public static readonly Estimator DrGrpo = new("drgrpo", (g, _) => g.Deviation.clone());

    /// <summary>RLOO (Ahmadian et al., arXiv 2402.14740): A_i = R_i − mean of the other G−1 rewards = G/(G−1)·(R_i − mean_g R).</summary>
    public static readonly Estimator Rloo = new("rloo", (g, _) => g.Deviation * g.Size / (g.Size - 1).clamp_min(1));

    public static readonly IReadOnlyDictionary<string, Estimator> ByName = new[] { Grpo, DrGrpo, Rloo }.ToDictionary(e => e.Name);

    /// <summary>
    /// Advantages for a batch of responses.
    /// </summary>
    /// <param name="estimator">An entry of <see cref="ByName"/>.</param>
    /// <param name="rewards">[N] floating point rewards, one per response.</param>
    /// <param name="groupIndex">[N] int64 dense group ids in [0, G): responses to the same prompt share an id.</param>
    /// <returns>[N] advantages in the rewards' dtype (no gradient) and the number of one-response groups.</returns>
    public static AdvantageResult Compute(Estimator estimator, Tensor rewards, Tensor groupIndex, AdvantageOptions options)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var groups = GroupStatistics.Of(rewards, groupIndex);
        var singletons = groups.SingletonGroups;
        // A single response is its own mean (deviation 0), but 0/(0+eps) and G/(G−1) must not turn it into NaN.
        var advantages = estimator.Estimate(groups, options).masked_fill(groups.Size <= 1, 0);
        return new AdvantageResult(advantages.MoveToOuterDisposeScope(), singletons);
    }

    /// <summary>Maps arbitrary group keys to dense ids 0..G−1 in order of first appearance.</summary>
    public static long[] DenseGroupIndex<TKey>(IReadOnlyList<TKey> groupKeys) where TKey : notnull
    {
        var ids = new Dictionary<TKey, long>();
        var dense = new long[groupKeys.Count];
        for (var i = 0; i < groupKeys.Count; i++)
        {
            if (!ids.TryGetValue(groupKeys[i], out var id)) ids[groupKeys[i]] = id = ids.Count;
            dense[i] = id;
        }
        return dense;
    }
}

/// <summary>How the GRPO estimator normalises: std over N−1 (unbiased, default) or N (population), plus eps.</summary>
public sealed record AdvantageOptions(bool PopulationStd = false, double Eps = 1e-6);

/// <summary>Advantages [N] and how many groups had a single response (they get 0, no learning signal).</summary>
public sealed record AdvantageResult(Tensor Advantages, int SingletonGroups);

/// <summary>Per-response statistics of the response's group, each [N] in the rewards' dtype.</summary>
public sealed class GroupStatistics
{
    private GroupStatistics(Tensor size, Tensor deviation, Tensor squaredDeviationSum, int singletonGroups)
    {
        Size = size;
        Deviation = deviation;
        SquaredDeviationSum = squaredDeviationSum;
        SingletonGroups = singletonGroups;
    }

    /// <summary>Number of responses in the response's group.</summary>
    public Tensor Size { get; }

    /// <summary>R_i − mean of its group's rewards.</summary>
    public Tensor Deviation { get; }

    /// <summary>Σ over the group of (R_j − mean)².</summary>
    public Tensor SquaredDeviationSum { get; }

    public int SingletonGroups { get; }

    /// <summary>Group standard deviation: over N (population) or N−1 (unbiased; 0 for a group of one).</summary>
    public Tensor Std(bool population) =>
        (SquaredDeviationSum / (population ? Size : (Size - 1).clamp_min(1))).sqrt();

    internal static GroupStatistics Of(Tensor rewards, Tensor groupIndex)
    {
        if (rewards.dim() != 1 || groupIndex.dim() != 1 || rewards.shape[0] != groupIndex.shape[0])
            throw new ArgumentException($"rewards and group index must both be [N]; got [{string.Join(",", rewards.shape)}] and [{string.Join(",", groupIndex.shape)}]");
        if (!rewards.is_floating_point()) throw new ArgumentException("rewards must be a floating point tensor");
        var index = groupIndex.to_type(ScalarType.Int64);
        if (index.numel() > 0 && index.min().item<long>() < 0) throw new ArgumentException("group ids must be ≥ 0");
        var groupCount = index.numel() == 0 ? 0 : index.max().item<long>() + 1;
        var perGroupSize = zeros(groupCount, rewards.dtype, rewards.device).index_add(0, index, ones_like(rewards), 1);
        var perGroupSum = zeros(groupCount, rewards.dtype, rewards.device).index_add(0, index, rewards, 1);
        var size = perGroupSize.index_select(0, index);
        var deviation = rewards - (perGroupSum / perGroupSize.clamp_min(1)).index_select(0, index);
        var squared = zeros(groupCount, rewards.dtype, rewards.device).index_add(0, index, deviation.square(), 1).index_select(0, index);
        var singletons = (int)(perGroupSize == 1).sum().item<long>();
        return new GroupStatistics(size, deviation, squared, singletons);
    }
}
