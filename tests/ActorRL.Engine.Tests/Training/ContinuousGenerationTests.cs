using ActorRL.Core.Rollouts;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Training;
using ActorRL.Model;
using ActorRL.Model.Settings;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Training;

public sealed class ContinuousGenerationTests
{
    private static (PolicyRolloutBackend Backend, Model.Policies.IPolicy Source) Backend(bool continuous, string generation)
    {
        var root = PipelineConfig.FromText($$"""
            actorrl {
              model { d-model = 32, n-layers = 1, n-heads = 2, max-seq-len = 64, tokenizer.alphabet = "0123456789+-=:. Answer" }
              generation { max-new-tokens = 24, {{generation}} }
            }
            """).Reader("actorrl");
        var model = ModelSettings.FromConfig(root.Section("model"));
        var tokenizer = PolicyFactory.CreateTokenizer(model);
        var source = PolicyFactory.Create(model, tokenizer, seed: 3);
        var backend = new PolicyRolloutBackend(PolicyFactory.Create(model, tokenizer, seed: 4), new PromptEncoding(tokenizer), groupSize: 4,
            promptsPerGeneration: 2, GenerationSettings.FromConfig(root.Section("generation")), runSeed: 9, continuous);
        backend.LoadWeights(new WeightsPublished(0, SnapshotConversion.Export(source, 0)));
        return (backend, source);
    }

    private static WorkItem Item(int i) => new($"p{i}#1", new TaskPrompt($"p{i}", $"{i}+{i % 3}:", "x", new PromptCursor(0, i)));

    [Fact]
    public void A_continuous_generation_takes_prompts_in_while_it_runs_and_hands_each_group_out_when_it_ends()
    {
        var (backend, source) = Backend(continuous: true, "max-batch-sequences = 8");
        using var _ = backend;
        using var __ = source;
        using var generation = backend.Begin([Item(0), Item(1)], "g");
        Assert.Equal(0, generation.Room); // 8 sequences = two groups of 4, both taken
        var next = 2;
        var handedOut = new List<(int Step, RolloutGroup Group)>();
        var admittedWhileRunning = 0;
        for (var step = 0; !generation.IsFinished; step++)
        {
            if (generation.Room > 0 && next < 8)
            {
                generation.Admit([Item(next++)]);
                admittedWhileRunning++;
            }
            generation.Step();
            handedOut.AddRange(generation.TakeFinished().Select(g => (step, g)));
            Assert.True(step < 2000);
        }
        Assert.Equal(6, admittedWhileRunning);
        Assert.Equal(8, handedOut.Count);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"p{i}"), handedOut.Select(h => h.Group.PromptId).Order());
        // Groups left one by one as their last response ended, not all at the end.
        Assert.True(handedOut.Select(h => h.Step).Distinct().Count() >= 4, string.Join(", ", handedOut.Select(h => h.Step)));
        Assert.All(handedOut, h => Assert.Equal(4, h.Group.Rollouts.Count));
    }

    [Fact]
    public void A_prompt_samples_the_same_group_continuous_or_static_whoever_shares_its_batch()
    {
        var (continuous, source) = Backend(continuous: true, "max-batch-sequences = 8");
        var (@static, source2) = Backend(continuous: false, "batching = static");
        using var _ = continuous;
        using var __ = @static;
        using var ___ = source;
        using var ____ = source2;
        IReadOnlyList<RolloutGroup> Run(IRolloutBackend backend, IReadOnlyList<WorkItem> items)
        {
            using var generation = backend.Begin(items, "g");
            var groups = new List<RolloutGroup>();
            while (!generation.IsFinished)
            {
                generation.Step();
                groups.AddRange(generation.TakeFinished());
            }
            return groups;
        }
        var alone = Run(@static, [Item(5)]).Single();
        var shared = Run(continuous, [Item(1), Item(5), Item(2)]).Single(g => g.PromptId == "p5");
        Assert.Equal(alone.Rollouts.Select(r => r.TokenIds), shared.Rollouts.Select(r => r.TokenIds));
    }
}
