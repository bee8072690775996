using ActorRL.Core.Configuration;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// <c>actorrl.algorithm</c>: which policy-optimisation method the learner runs. Built once from HOCON: the
/// <c>loss</c> preset supplies defaults (<see cref="AlgorithmPresets"/>) and every key set explicitly (non-null)
/// wins. Names of ratio levels, aggregations, estimators are the keys of their registries; they are looked up here,
/// once, and the registry entries (and enums for the closed choices) are what the rest of the code sees.
/// </summary>
public sealed record AlgorithmSettings(
    AlgorithmPreset Loss,
    RatioLevels.Level RatioLevel,
    double ClipLow,
    double ClipHigh,
    double? DualClip,
    LossAggregations.Aggregation Aggregation,
    int? NormLength,
    bool LengthUnbiased,
    AdvantageEstimators.Estimator Advantage,
    AdvantageStd AdvantageStd,
    double AdvantageEps,
    IReadOnlyList<string> SubsentenceDelimiters,
    EntropyAdaptiveClipSettings EntropyAdaptiveClip,
    OffPolicySettings OffPolicy,
    KlSettings Kl,
    double EntropyCoef,
    bool DynamicSampling,
    OverlongPenaltySettings OverlongPenalty)
{
    /// <summary>A preset's settings with every other key at its reference.conf default.</summary>
    public static AlgorithmSettings FromPreset(string loss) =>
        FromConfig(SettingsReader.FromReference($"actorrl.algorithm.loss = \"{loss}\"", "actorrl.algorithm"));

    /// <summary>Options for <see cref="AdvantageEstimators.Compute"/>.</summary>
    public AdvantageOptions AdvantageOptions => new(AdvantageStd == AdvantageStd.Population, AdvantageEps);

    public static AlgorithmSettings FromConfig(SettingsReader r)
    {
        var preset = r.GetNamed("loss", AlgorithmPresets.ByName);
        var ratioLevel = r.GetNamedOrNull("ratio-level", RatioLevels.ByName) ?? preset.RatioLevel;
        var clipLow = r.GetDoubleOrNull("clip-low", 0, 1) ?? preset.ClipLow;
        if (clipLow >= 1) throw r.Fail("clip-low", $"must be below 1 (the lower ratio bound is 1 − clip-low), got {clipLow}");
        var clipHigh = r.GetDoubleOrNull("clip-high", 0) ?? preset.ClipHigh;
        var dualClip = r.GetDoubleOrNull("dual-clip");
        if (dualClip is { } c && c <= 1) throw r.Fail("dual-clip", $"must be a number > 1 or null (off), got {c}");
        if (dualClip is not null && !ratioLevel.AllowsDualClip)
            throw r.Fail("dual-clip", $"applies to token and subsentence ratios only, but ratio-level is {ratioLevel}{FromPresetNote(r, "ratio-level", preset)}; set dual-clip = null");
        var aggregation = r.GetNamedOrNull("aggregation", LossAggregations.ByName) ?? preset.Aggregation;
        var lengthUnbiased = r.GetBoolOrNull("length-unbiased") ?? preset.LengthUnbiased;
        if (lengthUnbiased && aggregation != LossAggregations.SeqMeanTokenMean)
            throw r.Fail("length-unbiased", $"needs aggregation = seq-mean-token-mean, but aggregation is {aggregation}{FromPresetNote(r, "aggregation", preset)}");
        var delimiters = r.GetStringList("subsentence-delimiters");
        if (delimiters.Any(d => d.Length == 0)) throw r.Fail("subsentence-delimiters", "must not contain an empty string");
        if (ratioLevel.NeedsSpans && delimiters.Count == 0)
            throw r.Fail("subsentence-delimiters", $"must list at least one delimiter when ratio-level = {ratioLevel}");
        var kl = KlSettings.FromConfig(r.Section("kl"));
        return new AlgorithmSettings(
            Loss: preset,
            RatioLevel: ratioLevel,
            ClipLow: clipLow,
            ClipHigh: clipHigh,
            DualClip: dualClip,
            Aggregation: aggregation,
            NormLength: r.GetIntOrNull("norm-length", 1),
            LengthUnbiased: lengthUnbiased,
            Advantage: r.GetNamedOrNull("advantage", AdvantageEstimators.ByName) ?? preset.Advantage,
            AdvantageStd: r.GetEnum<AdvantageStd>("advantage-std"),
            // The group std is 0 whenever a group's rewards are all equal: the epsilon is what keeps that division finite.
            AdvantageEps: r.GetDoubleAbove("advantage-eps", 0),
            SubsentenceDelimiters: delimiters,
            EntropyAdaptiveClip: EntropyAdaptiveClipSettings.FromConfig(r.Section("entropy-adaptive-clip"), preset),
            OffPolicy: OffPolicySettings.FromConfig(r.Section("off-policy")),
            Kl: kl,
            EntropyCoef: r.GetDouble("entropy-coef", 0),
            DynamicSampling: r.GetBoolOrNull("dynamic-sampling") ?? preset.DynamicSampling,
            OverlongPenalty: OverlongPenaltySettings.FromConfig(r.Section("overlong-penalty"), preset));
    }

    private static string FromPresetNote(SettingsReader r, string key, AlgorithmPreset preset) =>
        r.IsSet(key) ? "" : $" (from preset {preset.Name})";
}

/// <summary><c>advantage-std</c>: the GRPO estimator's group standard deviation.</summary>
public enum AdvantageStd
{
    /// <summary>Over N − 1 (0 for a group of one).</summary>
    Unbiased,

    /// <summary>Over N.</summary>
    Population,
}

/// <summary>
/// <c>entropy-adaptive-clip</c>: SSPO's clip range scaled per ratio unit by clamp(H_u / H̄, min-scale, max-scale).
/// </summary>
public sealed record EntropyAdaptiveClipSettings(bool Enabled, double MinScale, double MaxScale)
{
    public static EntropyAdaptiveClipSettings FromConfig(SettingsReader r, AlgorithmPreset preset)
    {
        var min = r.GetDouble("min-scale", 0);
        var max = r.GetDouble("max-scale", 0);
        if (min <= 0) throw r.Fail("min-scale", $"must be > 0, got {min}");
        if (max < min) throw r.Fail("max-scale", $"must be ≥ min-scale ({min}), got {max}");
        return new EntropyAdaptiveClipSettings(r.GetBoolOrNull("enabled") ?? preset.EntropyAdaptiveClip, min, max);
    }
}

/// <summary>
/// <c>off-policy</c>: <c>behaviour</c> takes the ratio against the generator's log-probs; <c>decoupled</c>
/// (AReaL, arXiv 2505.24298) clips against the proximal policy and weights each token by
/// min(π_prox/π_behaviour, is-cap), a stop-gradient importance weight.
/// </summary>
public sealed record OffPolicySettings(OffPolicyMode Mode, double IsCap)
{
    public bool Decoupled => Mode == OffPolicyMode.Decoupled;

    public static OffPolicySettings FromConfig(SettingsReader r) =>
        new(r.GetEnum<OffPolicyMode>("mode"), r.GetDouble("is-cap", 1));
}

/// <summary><c>off-policy.mode</c>: the anchor of the importance ratio.</summary>
public enum OffPolicyMode
{
    /// <summary>The generator's log-probs.</summary>
    Behaviour,

    /// <summary>The proximal policy's, with a capped behaviour importance weight (AReaL).</summary>
    Decoupled,
}

/// <summary><c>kl</c>: a KL penalty to a reference policy, added per token (coef 0 = off).</summary>
public sealed record KlSettings(double Coef, KlEstimators.Estimator Estimator, KlReference Reference)
{
    public bool Enabled => Coef > 0;

    public static KlSettings FromConfig(SettingsReader r)
    {
        var coef = r.GetDouble("coef", 0);
        var reference = r.GetEnum<KlReference>("reference");
        if (coef > 0 && reference == KlReference.None)
            throw r.Fail("coef", $"is {coef} but kl.reference = none: set kl.reference = initial (the policy at step 0) or kl.coef = 0");
        return new KlSettings(coef, r.GetNamed("estimator", KlEstimators.ByName), reference);
    }
}

/// <summary><c>kl.reference</c>: the policy the KL penalty pulls towards.</summary>
public enum KlReference
{
    /// <summary>No reference policy (kl.coef must be 0).</summary>
    None,

    /// <summary>A frozen copy of the policy at step 0.</summary>
    Initial,
}

/// <summary>
/// <c>overlong-penalty</c>: DAPO's soft overlong punishment, applied to the reward by the scoring stage
/// (see <see cref="SoftOverlongPenalty"/>). <see cref="CacheLength"/> null = a fifth of the maximum response length.
/// </summary>
public sealed record OverlongPenaltySettings(bool Enabled, int? CacheLength)
{
    public static OverlongPenaltySettings FromConfig(SettingsReader r, AlgorithmPreset preset) =>
        new(r.GetBoolOrNull("enabled") ?? preset.OverlongPenalty, r.GetIntOrNull("cache-length", 1));

    /// <summary>L_cache for a given maximum response length L_max.</summary>
    public int CacheLengthFor(int maxLength) => Math.Min(CacheLength ?? Math.Max(1, maxLength / 5), maxLength);
}
