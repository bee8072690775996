using ActorRL.Model.Checkpoints;
using ActorRL.Model.Policies;
using ActorRL.Model.SafeTensors;
using ActorRL.Model.Training;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ScoringSequence[] Batch =
    [
        new(TinyPolicies.Prompt("12+7="), TinyPolicies.Tokenizer().Encode("19\n")),
        new(TinyPolicies.Prompt("3*4="), TinyPolicies.Tokenizer().Encode("12\n")),
    ];

    /// <summary>One learner update: negative log-likelihood of the batch (SFT-style), clip, AdamW. Returns the loss.</summary>
    private static double TrainStep(IPolicy policy, AdamW optimizer, Generator generator)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var scored = policy.Score(Batch);
        // A random per-token weight drawn from the checkpointed generator, so restoring RNG state matters too.
        var weights = rand(scored.LogProbs.shape, generator: generator);
        var loss = -(scored.LogProbs * weights).sum() / scored.Mask.sum();
        loss.backward();
        optimizer.ClipGradientNorm(1.0);
        optimizer.Step(1e-2);
        return loss.item<float>();
    }

    [Fact]
    public void Round_trip_restores_weights_optimizer_and_rng_bit_for_bit_and_the_next_step_is_identical()
    {
        using var policy = TinyPolicies.Create(seed: 1);
        using var optimizer = new AdamW(policy.NamedParameters(), weightDecay: 0.1);
        using var generator = new Generator(42);
        for (var i = 0; i < 3; i++) TrainStep(policy, optimizer, generator);
        policy.LoadWeights(WithVersion(policy, 3));

        var files = Checkpoint.Save(_dir, policy, optimizer, new Dictionary<string, Generator> { ["learner"] = generator },
            new Dictionary<string, string> { ["stage"] = "rl" });
        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.Equal(64, f.Sha256.Length));
        Assert.DoesNotContain(Directory.GetFiles(_dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        // Continue the original run for one step...
        var expectedLoss = TrainStep(policy, optimizer, generator);
        using var expectedWeights = policy.ExportWeights();

        // ...and from the checkpoint into fresh objects built with different seeds.
        using var restored = TinyPolicies.Create(seed: 77);
        using var restoredOptimizer = new AdamW(restored.NamedParameters(), weightDecay: 0.1);
        using var restoredGenerator = new Generator(7);
        var metadata = Checkpoint.Load(_dir, restored, restoredOptimizer, new Dictionary<string, Generator> { ["learner"] = restoredGenerator });
        Assert.Equal("rl", metadata["stage"]);
        Assert.Equal(3L, restored.Version);
        Assert.Equal(3L, restoredOptimizer.StepCount);
        using (var scope = NewDisposeScope())
        {
            var saved = SafeTensorsReader.ReadAll(Path.Combine(_dir, Checkpoint.WeightsFile)).Tensors;
            using var loaded = restored.ExportWeights();
            foreach (var (name, t) in saved) Assert.Equal(t.bytes.ToArray(), loaded.Tensors[name].bytes.ToArray());
        }

        var restoredLoss = TrainStep(restored, restoredOptimizer, restoredGenerator);
        Assert.Equal(expectedLoss, restoredLoss);
        using var restoredWeights = restored.ExportWeights();
        foreach (var (name, t) in expectedWeights.Tensors)
            Assert.Equal(t.bytes.ToArray(), restoredWeights.Tensors[name].bytes.ToArray());
    }

    [Fact]
    public void Loading_into_a_different_architecture_fails_clearly()
    {
        using var policy = TinyPolicies.Create(seed: 1);
        Checkpoint.Save(_dir, policy);
        using var other = TinyPolicies.Create(layers: 3);
        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Load(_dir, other));
        Assert.Contains("missing [h.2.", error.Message);
        Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.Load(Path.Combine(_dir, "nope"), policy));
    }

    private static PolicyWeights WithVersion(IPolicy policy, long version)
    {
        using var current = policy.ExportWeights();
        return new PolicyWeights(version, current.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone()));
    }
}
