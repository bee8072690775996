using ActorRL.Core.Algorithms;
using ActorRL.Core.Configuration;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Training;
using ActorRL.Model;
using ActorRL.Model.Policies;
using ActorRL.Model.Settings;
using ActorRL.Engine.Synthetic;
using ActorRL.Engine.Configuration;
using ActorRL.Tasks;
using static TorchSharp.torch;

namespace ActorRL.Engine.Tests.Training;

public class PolicyTrainerTests
{
    private static (PolicyTrainer Trainer, IPolicy Policy) Build(string loss, string extra = "", double lr = 1e-2) => TinyTrainer.Build($$"""
        actorrl {
          model { d-model = 32, n-layers = 1, n-heads = 2, max-seq-len = 64, tokenizer.alphabet = "0123456789+-=:. Answer" }
          algorithm { loss = {{loss}}, {{extra}} }
          learner { lr = {{lr}}, warmup-steps = 0 }
          pipeline { groups-per-step = 1, group-size = 4, rl-steps = 1, eval-size = 0 }
          generation.max-new-tokens = 8
        }
        """, seed: 3);

    private static double[] SequenceLogProbs(IPolicy policy, RolloutGroup group)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var scored = policy.Score(group.Rollouts.Select(r => new ScoringSequence(group.PromptTokenIds, r.TokenIds)).ToList());
        return (scored.LogProbs * scored.Mask).sum(1).to(ScalarType.Float64).data<double>().ToArray();
    }

    [Theory]
    [InlineData("grpo", "")]
    [InlineData("dapo", "")]
    [InlineData("gspo", "")]
    [InlineData("gspo-token", "")]
    [InlineData("luspo", "")]
    [InlineData("sspo", "")]
    [InlineData("drgrpo", "")]
    [InlineData("grpo", "off-policy.mode = decoupled, kl { coef = 0.01, reference = initial }")]
    public void AnUpdateMakesRewardedResponsesMoreLikelyAndPunishedOnesLessLikely(string loss, string extra)
    {
        var (trainer, policy) = Build(loss, extra);
        using var _ = trainer;
        trainer.RlStartsHere();
        var prompt = new PromptEncoding(policy.Tokenizer).Prompt("12+34:");
        var sampled = policy.Sample(new SamplingRequest(new[] { prompt }, SamplesPerPrompt: 4, MaxNewTokens: 8, Seed: 5));
        var rewards = new[] { 1.0, 0.0, 1.0, 0.0 };
        var group = new RolloutGroup("g#1", "p", "12+34:", prompt, "46", 0, "test",
            sampled.Select((s, i) => new Rollout(s.TokenIds, s.TokenTexts, s.LogProbs, s.Versions, s.Text, false, rewards[i])).ToList());
        var before = SequenceLogProbs(policy, group);

        trainer.Train(new[] { group });

        var after = SequenceLogProbs(policy, group);
        Assert.Equal(1, trainer.Version);
        for (var i = 0; i < 4; i++)
        {
            if (rewards[i] > 0) Assert.True(after[i] > before[i], $"{loss}: rewarded response {i}: {before[i]} → {after[i]}");
            else Assert.True(after[i] < before[i], $"{loss}: punished response {i}: {before[i]} → {after[i]}");
        }
    }
}

public sealed class KlReferenceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-kl-reference-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (PolicyTrainer Trainer, IPolicy Policy, IVerifiableTask Task) Build()
    {
        var settings = ActorRLSettings.FromConfig(PipelineConfig.FromText("""
            actorrl {
              model { d-model = 32, n-layers = 1, n-heads = 2, max-seq-len = 64 }
              task.arithmetic { digits-max = 2, demo-style = direct }
              warm-start { steps = 3, batch-size = 8, lr = 1e-2 }
              algorithm.kl { coef = 0.05, reference = initial }
              learner { lr = 1e-2, warmup-steps = 0 }
              pipeline { groups-per-step = 1, group-size = 4, rl-steps = 2, eval-size = 0 }
              generation.max-new-tokens = 6
            }
            """));
        var task = ActorRL.Tasks.TaskFactory.Create(settings.Task, settings.Verifier, 3);
        var policy = PolicyFactory.Create(settings.Model, PolicyFactory.CreateTokenizer(settings.Model, task.Alphabet), 3);
        var trainerSettings = new TrainerSettings(settings.Algorithm, settings.Learner, settings.WarmStart, settings.Pipeline, settings.Generation);
        return (new PolicyTrainer(policy, trainerSettings, task, (_, _) => false), policy, task);
    }

    private static float[] Weights(IPolicy policy) => SnapshotConversion.Export(policy, 0).Tensors.SelectMany(t => t.Data).ToArray();

    private static RolloutGroup SampledGroup(IPolicy policy, IVerifiableTask task)
    {
        var prompt = new PromptEncoding(policy.Tokenizer).Prompt(task.EvalPrompts.First().Text);
        var sampled = policy.Sample(new SamplingRequest(new[] { prompt }, SamplesPerPrompt: 4, MaxNewTokens: 6, Seed: 5));
        return new RolloutGroup("g#1", "p", "", prompt, "", policy.Version, "test",
            sampled.Select((r, i) => new Rollout(r.TokenIds, r.TokenTexts, r.LogProbs, r.Versions, r.Text, false, i % 2)).ToList());
    }

    [Fact]
    public void The_initial_reference_is_the_policy_after_the_warm_start_and_a_checkpoint_keeps_it()
    {
        var (trainer, policy, task) = Build();
        using var _ = trainer;
        var initial = Weights(policy);
        for (var step = 0; step < 3; step++) trainer.WarmStartStep(step);
        var warmStarted = Weights(policy);
        Assert.NotEqual(initial, warmStarted);

        trainer.RlStartsHere();
        Assert.Equal(warmStarted, Weights(trainer.Reference!));
        trainer.Train(new[] { SampledGroup(policy, task) });
        Assert.NotEqual(warmStarted, Weights(policy));
        Assert.Equal(warmStarted, Weights(trainer.Reference!)); // frozen

        // Resumed from a checkpoint, the reference is the policy RL started from, not the weights resumed.
        var checkpoint = Path.Combine(_root, "step-000001");
        var files = trainer.SaveCheckpoint(checkpoint, 1);
        Assert.Contains(files, f => f.Name == $"{PolicyTrainer.ReferenceFolder}/weights.safetensors");
        var (resumed, resumedPolicy, _) = Build();
        using var __ = resumed;
        resumed.LoadCheckpoint(checkpoint, 1);
        Assert.Equal(Weights(policy), Weights(resumedPolicy));
        Assert.Equal(warmStarted, Weights(resumed.Reference!));
    }
}

public class PolicyTrainerLearningTests
{
    [Fact]
    public void RepeatedOnPolicyStepsRaiseTheSampledReward()
    {
        // Reward: the response's first character is a digit. A random tiny policy starts near chance;
        // twenty GRPO steps on fresh on-policy samples must raise the sampled reward clearly.
        var (built, policy) = TinyTrainer.Build("""
            actorrl {
              model { d-model = 32, n-layers = 1, n-heads = 2, max-seq-len = 64, tokenizer.alphabet = "0123456789+-=:. Answer" }
              learner { lr = 3e-3, warmup-steps = 0 }
              pipeline { groups-per-step = 8, group-size = 8, rl-steps = 20, eval-size = 0 }
              generation.max-new-tokens = 4
            }
            """, seed: 11);
        using var trainer = built;
        var encoding = new PromptEncoding(policy.Tokenizer);
        var prompts = Enumerable.Range(0, 8).Select(i => encoding.Prompt($"{i}+{i}:")).ToList();

        double SampleAndMaybeTrain(int step, bool train)
        {
            var sampled = policy.Sample(new SamplingRequest(prompts, SamplesPerPrompt: 8, MaxNewTokens: 4, Seed: 100 + step));
            var groups = sampled.GroupBy(s => s.PromptIndex).Select(g => new RolloutGroup($"g{step}-{g.Key}", $"p{g.Key}", "", prompts[g.Key], "", policy.Version, "test",
                g.Select(s => new Rollout(s.TokenIds, s.TokenTexts, s.LogProbs, s.Versions, s.Text, false,
                    s.Text.Length > 0 && char.IsDigit(s.Text[0]) ? 1 : 0)).ToList())).ToList();
            if (train) trainer.Train(groups);
            return groups.SelectMany(g => g.Rollouts).Average(r => r.Reward);
        }

        var before = Enumerable.Range(0, 3).Average(i => SampleAndMaybeTrain(1000 + i, train: false));
        for (var step = 0; step < 20; step++) SampleAndMaybeTrain(step, train: true);
        var after = Enumerable.Range(0, 3).Average(i => SampleAndMaybeTrain(2000 + i, train: false));
        Assert.True(after > before + 0.3, $"sampled reward {before:F3} → {after:F3}");
    }
}

/// <summary>A PolicyTrainer over a tiny TinyGpt, configured from HOCON like a real run.</summary>
internal static class TinyTrainer
{
    public static (PolicyTrainer Trainer, IPolicy Policy) Build(string hocon, long seed)
    {
        var root = PipelineConfig.FromText(hocon).Reader("actorrl");
        var model = ModelSettings.FromConfig(root.Section("model"));
        var policy = PolicyFactory.Create(model, PolicyFactory.CreateTokenizer(model), seed);
        var settings = new TrainerSettings(
            AlgorithmSettings.FromConfig(root.Section("algorithm")),
            LearnerSettings.FromConfig(root.Section("learner")),
            WarmStartSettings.FromConfig(root.Section("warm-start")),
            PipelineSettings.FromConfig(root.Section("pipeline")),
            GenerationSettings.FromConfig(root.Section("generation")));
        return (new PolicyTrainer(policy, settings, new SyntheticTask(), (_, _) => false), policy);
    }
}
