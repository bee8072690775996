using ActorRL.Core.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Tests.Algorithms;

public class AdvantageEstimatorTests
{
    private static (double[] Advantages, int Singletons) Compute(string estimator, double[] rewards, long[] groups, AdvantageOptions? options = null)
    {
        using var scope = NewDisposeScope();
        var result = AdvantageEstimators.Compute(AdvantageEstimators.ByName[estimator], tensor(rewards, ScalarType.Float64), tensor(groups), options ?? new AdvantageOptions());
        return (result.Advantages.data<double>().ToArray(), result.SingletonGroups);
    }

    private static readonly double[] Rewards = { 1, 0, 0, 1, 1 };
    private static readonly long[] OneGroup = { 0, 0, 0, 0, 0 };

    [Fact]
    public void GrpoUsesTheUnbiasedStdByDefault()
    {
        // mean 0.6; unbiased std = sqrt((3·0.4² + 2·0.6²) / 4) = sqrt(0.3).
        var std = Math.Sqrt(0.3);
        var (a, _) = Compute("grpo", Rewards, OneGroup);
        Approx.Equal(Rewards.Select(r => (r - 0.6) / (std + 1e-6)).ToArray(), a, 1e-12);
    }

    [Fact]
    public void GrpoWithPopulationStdDividesByN()
    {
        var std = Math.Sqrt(1.2 / 5);
        var (a, _) = Compute("grpo", Rewards, OneGroup, new AdvantageOptions(PopulationStd: true));
        Approx.Equal(Rewards.Select(r => (r - 0.6) / (std + 1e-6)).ToArray(), a, 1e-12);
        Approx.Equal(0.816495, a[0]);
    }

    [Fact]
    public void DrGrpoIsTheRewardMinusTheGroupMean()
    {
        Approx.Equal(new[] { 0.4, -0.6, -0.6, 0.4, 0.4 }, Compute("drgrpo", Rewards, OneGroup).Advantages, 1e-12);
    }

    [Fact]
    public void RlooSubtractsTheMeanOfTheOtherResponses()
    {
        // Leave-one-out by hand: for a reward of 1 the others are {0,0,1,1} (mean 0.5); for 0 they are {1,0,1,1} (0.75).
        var expected = Rewards.Select((r, i) => r - Rewards.Where((_, j) => j != i).Average()).ToArray();
        Approx.Equal(new[] { 0.5, -0.75, -0.75, 0.5, 0.5 }, expected, 1e-12);
        Approx.Equal(expected, Compute("rloo", Rewards, OneGroup).Advantages, 1e-12);
    }

    [Theory]
    [InlineData("grpo")]
    [InlineData("drgrpo")]
    [InlineData("rloo")]
    public void AGroupOfOneGetsZeroAndIsCounted(string estimator)
    {
        // Interleaved groups: 0 = {1, 0}, 1 = {0.3} alone, 2 = {5} alone.
        var (a, singletons) = Compute(estimator, new[] { 1.0, 0.3, 0.0, 5.0 }, new long[] { 0, 1, 0, 2 });
        Assert.Equal(2, singletons);
        Assert.Equal(0, a[1]);
        Assert.Equal(0, a[3]);
        Assert.True(a[0] > 0 && a[2] < 0 && Math.Abs(a[0] + a[2]) < 1e-12, $"group 0 got {a[0]}, {a[2]}");
    }

    [Theory]
    [InlineData("grpo")]
    [InlineData("drgrpo")]
    [InlineData("rloo")]
    public void EqualRewardsGiveZeroNotNaN(string estimator)
    {
        var (a, singletons) = Compute(estimator, new[] { 1.0, 1.0, 1.0 }, new long[] { 0, 0, 0 });
        Assert.All(a, x => Assert.Equal(0, x));
        Assert.Equal(0, singletons);
    }

    [Fact]
    public void GroupsAreIndependent()
    {
        var (a, _) = Compute("grpo", new[] { 1.0, 0, 10, 20 }, new long[] { 0, 0, 1, 1 });
        var expected = 0.5 / (Math.Sqrt(0.5) + 1e-6);
        var expected2 = 5 / (Math.Sqrt(50) + 1e-6);
        Approx.Equal(new[] { expected, -expected, -expected2, expected2 }, a, 1e-12);
    }

    [Fact]
    public void DenseGroupIndexNumbersGroupsByFirstAppearance()
    {
        Assert.Equal(new long[] { 0, 1, 0, 2, 1 }, AdvantageEstimators.DenseGroupIndex(new long[] { 42, -3, 42, 7, -3 }));
    }
}
