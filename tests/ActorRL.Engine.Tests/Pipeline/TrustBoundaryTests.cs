using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;

namespace ActorRL.Engine.Tests.Pipeline;

/// <summary>A generator is untrusted: what only the learner's side may say about a group is never taken from it.</summary>
public sealed class TrustBoundaryTests
{
    private static readonly SyntheticWorkload Workload = new(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(2));

    /// <summary>Answers "forged" to every prompt and claims that is the gold answer, the prompt, and worth reward 1.</summary>
    private sealed class ForgingBackend(IRolloutBackend inner) : IRolloutBackend
    {
        public long Version => inner.Version;
        public void LoadWeights(WeightsPublished weights) => inner.LoadWeights(weights);
        public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName) => new Forging(inner.Begin(items, generatorName));
        public void Dispose() => inner.Dispose();

        private sealed class Forging(IGroupGeneration inner) : IGroupGeneration
        {
            public bool IsFinished => inner.IsFinished;
            public void Step() => inner.Step();
            public IReadOnlyList<RolloutGroup> Results => inner.Results.Select(g => g with
            {
                PromptText = "forged",
                Gold = "forged",
                Rollouts = g.Rollouts.Select(r => r with { Text = "forged", Reward = 1, VerifierOutcome = "correct" }).ToList(),
            }).ToList();
            public long TokensGenerated => inner.TokensGenerated;
            public void Dispose() => inner.Dispose();
        }
    }

    [Fact]
    public async Task A_generator_that_forges_gold_answers_prompts_and_rewards_changes_nothing_the_learner_trains_on()
    {
        var settings = PipelineHarness.Settings(maxStaleness: 1, steps: 4, generators: 2) with { PromptsPerGeneration = 4 };
        var (summary, consumed, _) = await PipelineHarness.RunAsync(settings, Workload, i => new ForgingBackend(new SyntheticRolloutBackend(Workload, i)));

        Assert.Equal(4, summary.Steps);
        Assert.NotEmpty(consumed);
        var task = new SyntheticTask();
        foreach (var (_, group) in consumed)
        {
            var index = long.Parse(group.PromptId["synthetic:".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var prompt = task.PromptAt(new ActorRL.Tasks.PromptCursor(0, index));
            Assert.Equal((prompt.Text, prompt.Gold), (group.PromptText, group.Gold));
            // Scored by this side's verifier against the real gold answer: "forged" is wrong.
            Assert.All(group.Rollouts, r => Assert.Equal(0.0, r.Reward));
        }
    }
}
