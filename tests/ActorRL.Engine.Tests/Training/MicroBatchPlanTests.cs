using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Training;
using FsCheck;
using FsCheck.Fluent;

namespace ActorRL.Engine.Tests.Training;

public class MicroBatchPlanTests
{
    [Fact]
    public void Every_response_lands_in_exactly_one_micro_batch_and_none_exceeds_the_budget() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int[]>(), ArbMap.Default.ArbFor<int>(), (int[] raw, int rawBudget) =>
        {
            var lengths = raw.Select(x => 1 + Math.Abs(x % 60)).ToArray();
            var budget = 60 + Math.Abs(rawBudget % 400);
            var packed = MicroBatchPlan.Pack(lengths, budget);
            Assert.Equal(Enumerable.Range(0, lengths.Length), packed.SelectMany(m => m).Order());
            Assert.All(packed, m => Assert.True(m.Length * m.Max(i => lengths[i]) <= budget));
            // Greedy and longest first: a micro-batch was closed only because the next sequence did not fit.
            for (var k = 0; k + 1 < packed.Count; k++)
                Assert.True((packed[k].Length + 1L) * lengths[packed[k][0]] > budget);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Fact]
    public void Without_a_budget_the_update_is_one_micro_batch_in_order()
    {
        Assert.Equal([[0, 1, 2]], MicroBatchPlan.Pack([5, 9, 2], null));
        Assert.Empty(MicroBatchPlan.Pack([], 100));
    }

    [Fact]
    public void Sequences_of_similar_length_share_a_micro_batch()
    {
        // 2 × 10 = 20 fits, then 3 × 6 = 18: padding stays small because lengths are sorted first.
        var packed = MicroBatchPlan.Pack([6, 10, 6, 10, 6], 20);
        Assert.Equal([[1, 3], [0, 2, 4]], packed);
    }

    [Fact]
    public void A_budget_below_the_longest_sequence_the_model_accepts_is_a_configuration_error_naming_the_key()
    {
        var error = Assert.Throws<SettingsException>(() => ActorRLSettings.FromConfig(PipelineConfig.Load([],
            ["actorrl.model.max-seq-len=128", "actorrl.learner.micro-batch-tokens=100"])));
        Assert.Equal("actorrl.learner.micro-batch-tokens", error.Key);
        Assert.Contains("max-seq-len = 128", error.Message);
        Assert.Contains("got 100", error.Message);
        Assert.Equal(128, ActorRLSettings.FromConfig(PipelineConfig.Load([],
            ["actorrl.model.max-seq-len=128", "actorrl.learner.micro-batch-tokens=128"])).Learner.MicroBatchTokens);
        Assert.Throws<SettingsException>(() => ActorRLSettings.FromConfig(PipelineConfig.Load([], ["actorrl.learner.micro-batch-tokens=0"])));
    }
}
