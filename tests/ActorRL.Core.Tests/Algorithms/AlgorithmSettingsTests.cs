using ActorRL.Core.Algorithms;
using ActorRL.Core.Configuration;

namespace ActorRL.Core.Tests.Algorithms;

public class AlgorithmSettingsTests
{
    [Theory]
    [InlineData("grpo", "token", 0.2, 0.2, "seq-mean-token-mean", false, "grpo")]
    [InlineData("dapo", "token", 0.2, 0.28, "token-mean", false, "grpo")]
    [InlineData("drgrpo", "token", 0.2, 0.2, "seq-mean-token-sum-norm", false, "drgrpo")]
    [InlineData("gspo", "sequence", 3e-4, 4e-4, "seq-mean-token-mean", false, "grpo")]
    [InlineData("gspo-token", "sequence-token", 3e-4, 4e-4, "seq-mean-token-mean", false, "grpo")]
    [InlineData("luspo", "sequence", 2e-3, 2.5e-3, "seq-mean-token-mean", true, "grpo")]
    [InlineData("sspo", "subsentence", 0.2, 0.2, "seq-mean-token-mean", false, "grpo")]
    public void PresetsSetTheirPapersDefaults(string loss, string level, double low, double high, string aggregation, bool lengthUnbiased, string advantage)
    {
        var s = AlgorithmSettings.FromPreset(loss);
        Assert.Equal((loss, level, low, high, aggregation, lengthUnbiased, advantage),
            (s.Loss.Name, s.RatioLevel.Name, s.ClipLow, s.ClipHigh, s.Aggregation.Name, s.LengthUnbiased, s.Advantage.Name));
        Assert.Equal(loss == "sspo", s.EntropyAdaptiveClip.Enabled);
        Assert.Equal(loss == "dapo", s.DynamicSampling);
        Assert.Equal(loss == "dapo", s.OverlongPenalty.Enabled);
        Assert.Null(s.DualClip);
    }

    [Fact]
    public void ReferenceDefaultsAreGrpoWithEverythingExtraOff()
    {
        var s = AlgorithmSettings.FromConfig(SettingsReader.FromReference(section: "actorrl.algorithm"));
        Assert.Equal(AlgorithmSettings.FromPreset("grpo") with { SubsentenceDelimiters = s.SubsentenceDelimiters }, s);
        Assert.Equal(AdvantageStd.Unbiased, s.AdvantageStd);
        Assert.Equal(1e-6, s.AdvantageEps);
        Assert.Equal(SubsentenceSplitter.DefaultDelimiters, s.SubsentenceDelimiters);
        Assert.Equal(new EntropyAdaptiveClipSettings(false, 0.5, 2.0), s.EntropyAdaptiveClip);
        Assert.Equal(new OffPolicySettings(OffPolicyMode.Behaviour, 5.0), s.OffPolicy);
        Assert.Equal(new KlSettings(0, KlEstimators.K3, KlReference.None), s.Kl);
        Assert.Equal(0, s.EntropyCoef);
        Assert.Null(s.NormLength);
    }

    [Fact]
    public void ExplicitKeysWinOverThePreset()
    {
        var s = WorkedExample.Settings("loss = gspo, clip-low = 0.2, clip-high = 0.25, advantage = rloo, aggregation = token-mean");
        Assert.Equal((RatioLevels.Sequence, 0.2, 0.25, AdvantageEstimators.Rloo, LossAggregations.TokenMean), (s.RatioLevel, s.ClipLow, s.ClipHigh, s.Advantage, s.Aggregation));
        var sspo = WorkedExample.Settings("loss = sspo, entropy-adaptive-clip { enabled = false, max-scale = 3 }");
        Assert.Equal(new EntropyAdaptiveClipSettings(false, 0.5, 3), sspo.EntropyAdaptiveClip);
        Assert.False(WorkedExample.Settings("loss = dapo, dynamic-sampling = false").DynamicSampling);
    }

    [Fact]
    public void NamesAreResolvedOnceIntoRegistryEntriesAndEnums()
    {
        var s = WorkedExample.Settings(
            "loss = drgrpo, ratio-level = subsentence, advantage-std = population, off-policy.mode = decoupled, kl { coef = 0.1, reference = initial, estimator = k2 }");
        Assert.Same(AlgorithmPresets.ByName["drgrpo"], s.Loss);
        Assert.Same(RatioLevels.Subsentence, s.RatioLevel);
        Assert.Same(LossAggregations.SeqMeanTokenSumNorm, s.Aggregation);
        Assert.Same(AdvantageEstimators.DrGrpo, s.Advantage);
        Assert.Equal(AdvantageStd.Population, s.AdvantageStd);
        Assert.True(s.AdvantageOptions.PopulationStd);
        Assert.Equal(OffPolicyMode.Decoupled, s.OffPolicy.Mode);
        Assert.Equal((KlEstimators.K2, KlReference.Initial), (s.Kl.Estimator, s.Kl.Reference));
        // Registry entries print as their configuration names (logs, the run plan).
        Assert.Equal("drgrpo subsentence seq-mean-token-sum-norm k2", $"{s.Loss} {s.RatioLevel} {s.Aggregation} {s.Kl.Estimator}");
    }

    [Theory]
    [InlineData("loss = ppo", "actorrl.algorithm.loss", "one of grpo | dapo | drgrpo | gspo | gspo-token | luspo | sspo")]
    [InlineData("ratio-level = word", "actorrl.algorithm.ratio-level", "token | subsentence | sequence | sequence-token")]
    [InlineData("clip-low = 1", "actorrl.algorithm.clip-low", "must be below 1")]
    [InlineData("clip-low = -0.1", "actorrl.algorithm.clip-low", "in [0, 1]")]
    [InlineData("clip-high = -1", "actorrl.algorithm.clip-high", "≥ 0")]
    [InlineData("dual-clip = 1", "actorrl.algorithm.dual-clip", "must be a number > 1 or null")]
    [InlineData("loss = gspo, dual-clip = 3", "actorrl.algorithm.dual-clip", "ratio-level is sequence (from preset gspo)")]
    [InlineData("aggregation = mean", "actorrl.algorithm.aggregation", "token-mean | seq-mean-token-mean | seq-mean-token-sum | seq-mean-token-sum-norm")]
    [InlineData("loss = luspo, aggregation = seq-mean-token-sum", "actorrl.algorithm.length-unbiased", "needs aggregation = seq-mean-token-mean")]
    [InlineData("norm-length = 0", "actorrl.algorithm.norm-length", "whole number")]
    [InlineData("advantage = ppo", "actorrl.algorithm.advantage", "one of grpo | drgrpo | rloo")]
    [InlineData("advantage-std = sample", "actorrl.algorithm.advantage-std", "unbiased | population")]
    [InlineData("subsentence-delimiters = [\",\", \"\"]", "actorrl.algorithm.subsentence-delimiters", "empty string")]
    [InlineData("ratio-level = subsentence, subsentence-delimiters = []", "actorrl.algorithm.subsentence-delimiters", "at least one")]
    [InlineData("entropy-adaptive-clip.min-scale = 0", "actorrl.algorithm.entropy-adaptive-clip.min-scale", "must be > 0")]
    [InlineData("entropy-adaptive-clip { min-scale = 2, max-scale = 1 }", "actorrl.algorithm.entropy-adaptive-clip.max-scale", "≥ min-scale")]
    [InlineData("off-policy.mode = async", "actorrl.algorithm.off-policy.mode", "behaviour | decoupled")]
    [InlineData("off-policy.is-cap = 0.5", "actorrl.algorithm.off-policy.is-cap", "≥ 1")]
    [InlineData("kl.coef = 0.1", "actorrl.algorithm.kl.coef", "kl.reference = none")]
    [InlineData("kl { coef = 0.1, reference = initial, estimator = k4 }", "actorrl.algorithm.kl.estimator", "k1 | k2 | k3")]
    public void InvalidSettingsNameTheKeyAndWhatIsAllowed(string hocon, string key, string message)
    {
        var e = Assert.ThrowsAny<SettingsException>(() => WorkedExample.Settings(hocon));
        Assert.Equal(key, e.Key);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void UnknownAlgorithmKeysAreRejected()
    {
        var e = Assert.ThrowsAny<SettingsException>(() => WorkedExample.Settings("clip-hgih = 0.3"));
        Assert.Contains("clip-hgih", e.Message);
    }

    [Theory]
    [InlineData(10, 20, 4, 0.0)]
    [InlineData(16, 20, 4, 0.0)]
    [InlineData(18, 20, 4, -0.5)]
    [InlineData(20, 20, 4, -1.0)]
    [InlineData(25, 20, 4, -1.0)]
    public void SoftOverlongPenaltyFallsLinearlyInTheCache(int length, int max, int cache, double expected)
    {
        Assert.Equal(expected, SoftOverlongPenalty.Penalty(length, max, cache), 12);
    }

    [Fact]
    public void OverlongCacheDefaultsToAFifthOfTheMaximumLength()
    {
        Assert.Equal(4096, AlgorithmSettings.FromPreset("dapo").OverlongPenalty.CacheLengthFor(20480));
        Assert.Equal(8, WorkedExample.Settings("overlong-penalty.cache-length = 8").OverlongPenalty.CacheLengthFor(64));
    }
}
