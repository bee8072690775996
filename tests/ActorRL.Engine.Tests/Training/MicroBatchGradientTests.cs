using ActorRL.Core.Rollouts;
using ActorRL.Engine.Training;
using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Engine.Tests.Training;

/// <summary>
/// learner.micro-batch-tokens must not change the update: a float64 learner step cut into micro-batches ends with the
/// same loss, the same gradient in every parameter and the same weights as the unsplit step, for every aggregation,
/// ratio level and off-policy mode, with two epochs of two mini-batches (so later updates see moved weights).
/// </summary>
public class MicroBatchGradientTests
{
    private const double Tolerance = 1e-6;

    public static IEnumerable<object[]> Combinations()
    {
        string[] aggregations = ["token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "seq-mean-token-sum-norm", "luspo-length-unbiased"];
        string[] levels = ["token", "subsentence", "sequence", "sequence-token"];
        string[] modes = ["behaviour", "decoupled"];
        foreach (var aggregation in aggregations)
        foreach (var level in levels)
        foreach (var mode in modes)
            yield return [aggregation, level, mode];
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void A_micro_batched_step_equals_the_unsplit_step(string aggregation, string level, string mode)
    {
        var lengthUnbiased = aggregation == "luspo-length-unbiased";
        var algorithm = $"aggregation = {(lengthUnbiased ? "seq-mean-token-mean" : aggregation)}, length-unbiased = {(lengthUnbiased ? "true" : "false")}, " +
                        $"ratio-level = {level}, off-policy.mode = {mode}";
        AssertSameStep(algorithm);
    }

    [Theory]
    [InlineData("ratio-level = subsentence, entropy-adaptive-clip.enabled = true")]
    [InlineData("ratio-level = sequence, entropy-adaptive-clip.enabled = true, off-policy.mode = decoupled")]
    [InlineData("kl { coef = 0.05, reference = initial }, entropy-coef = 0.01")]
    [InlineData("dual-clip = 3.0, aggregation = token-mean")]
    public void A_micro_batched_step_equals_the_unsplit_step_with_batch_wide_terms(string algorithm) => AssertSameStep(algorithm);

    [Fact]
    public void A_bfloat16_learner_steps_through_micro_batches_on_float32_masters()
    {
        using var scope = NewDisposeScope();
        var (trainer, policy) = Build("", microBatchTokens: 40, dtype: "bfloat16");
        using var _ = trainer;
        var metrics = trainer.Train(Batch(policy, seed: 11));
        Assert.True(metrics["micro_batches"] >= 3);
        Assert.True(double.IsFinite(metrics["loss"]) && metrics["grad_norm"] > 0, $"loss {metrics["loss"]}, grad norm {metrics["grad_norm"]}");
        var masters = trainer.Optimizer.MasterWeights;
        Assert.Equal(policy.NamedParameters().Select(p => p.Name).Order(), masters.Keys.Order());
        foreach (var (name, parameter) in policy.NamedParameters())
        {
            Assert.Equal(ScalarType.BFloat16, parameter.dtype);
            Assert.Equal(ScalarType.Float32, masters[name].dtype);
            // The parameter the forward pass uses is its master, rounded.
            Assert.True(parameter.detach().equal(masters[name].to(ScalarType.BFloat16)).all().item<bool>(), name);
        }
    }

    private static void AssertSameStep(string algorithm)
    {
        using var scope = NewDisposeScope();
        var (unsplit, unsplitPolicy) = Build(algorithm, microBatchTokens: null);
        var (split, splitPolicy) = Build(algorithm, microBatchTokens: 40);
        using var _ = unsplit;
        using var __ = split;
        unsplit.RlStartsHere();
        split.RlStartsHere();
        var batch = Batch(unsplitPolicy, seed: 11);

        var unsplitMetrics = unsplit.Train(batch);
        var splitMetrics = split.Train(batch);

        Assert.Equal(1, unsplitMetrics["micro_batches"]);
        Assert.True(splitMetrics["micro_batches"] >= 3, $"the budget should cut each update into several micro-batches, got {splitMetrics["micro_batches"]}");
        AssertClose(unsplitMetrics["loss"], splitMetrics["loss"], "loss");
        foreach (var key in new[] { "clip_fraction", "unit_clip_fraction", "ratio_mean", "approx_kl", "grad_norm" })
            AssertClose(unsplitMetrics[key], splitMetrics[key], key);
        Assert.True(unsplitMetrics["grad_norm"] > 0);
        // After the step each parameter holds the last update's gradient (after clipping) and the weights all four
        // updates made.
        var splitParameters = splitPolicy.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in unsplitPolicy.NamedParameters())
        {
            var other = splitParameters[name];
            AssertClose(parameter.grad!, other.grad!, $"gradient of {name}");
            AssertClose(parameter.detach(), other.detach(), $"weights of {name}");
        }
    }

    private static (PolicyTrainer Trainer, IPolicy Policy) Build(string algorithm, int? microBatchTokens, string dtype = "float64") => TinyTrainer.Build($$"""
        actorrl {
          model { d-model = 16, n-layers = 1, n-heads = 2, max-seq-len = 20, dtype = {{dtype}}, tokenizer.alphabet = "0123456789+-=:., Answer" }
          algorithm { loss = grpo, {{algorithm}} }
          learner { lr = 3e-2, warmup-steps = 0, micro-batch-tokens = {{(microBatchTokens?.ToString() ?? "null")}} }
          pipeline { groups-per-step = 4, group-size = 4, rl-steps = 1, eval-size = 0, ppo-epochs = 2, mini-batches = 2 }
          generation.max-new-tokens = 10
        }
        """, seed: 3);

    /// <summary>
    /// Four groups of four responses of 1–10 tokens (prompts of 3–6), with mixed rewards and behaviour log-probs off
    /// the policy's by up to ±0.4, so ratios clip and responses differ in length: what every aggregation weighs differently.
    /// </summary>
    private static IReadOnlyList<RolloutGroup> Batch(IPolicy policy, int seed)
    {
        var random = new Random(seed);
        var tokenizer = policy.Tokenizer;
        var symbols = "0123456789+-=:., Answer".Distinct().Select(c => tokenizer.Encode(c.ToString()).Single()).ToArray();
        int[] Tokens(int n) => Enumerable.Range(0, n).Select(_ => symbols[random.Next(symbols.Length)]).ToArray();
        return Enumerable.Range(0, 4).Select(g =>
        {
            var prompt = Tokens(random.Next(3, 7));
            var rollouts = Enumerable.Range(0, 4).Select(i =>
            {
                var response = Tokens(random.Next(1, 11));
                var behaviour = response.Select(_ => (float)(-2.5 + random.NextDouble() * 0.8)).ToArray();
                return new Rollout(response, response.Select(tokenizer.TokenText).ToList(), behaviour, response.Select(_ => 0L).ToList(),
                    tokenizer.Decode(response), false, Reward: (i + g) % 3 == 0 ? 1 : random.NextDouble() < 0.3 ? 1 : 0);
            }).ToList();
            return new RolloutGroup($"g#{g}", $"p{g}", "", prompt, "", 0, "test", rollouts);
        }).ToList();
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Max(Math.Abs(expected), 1e-12),
            $"{what}: unsplit {expected:R}, micro-batched {actual:R}");

    /// <summary>Every element within 1e-6 of the unsplit value, relative to the tensor's largest magnitude.</summary>
    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.Float64, expected.dtype);
        var scale = expected.abs().max().item<double>();
        var worst = (expected - actual).abs().max().item<double>();
        Assert.True(worst <= Tolerance * Math.Max(scale, 1e-300), $"{what}: largest difference {worst:E3} against a largest magnitude of {scale:E3}");
    }
}
