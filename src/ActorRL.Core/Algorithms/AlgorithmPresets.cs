namespace ActorRL.Core.Algorithms;

/// <summary>
/// The defaults a <c>loss</c> preset gives the keys of <c>actorrl.algorithm</c>; any key set explicitly wins.
/// Values follow each method's paper (see docs/algorithms.md §Presets). GSPO's and LUSPO's tiny clip ranges come from their
/// large-model settings; wider ranges may suit small models, which is an experiment, not a silent default change.
/// </summary>
public sealed record AlgorithmPreset(
    string Name,
    RatioLevels.Level RatioLevel,
    double ClipLow,
    double ClipHigh,
    LossAggregations.Aggregation Aggregation,
    bool LengthUnbiased,
    AdvantageEstimators.Estimator Advantage,
    bool EntropyAdaptiveClip,
    bool DynamicSampling,
    bool OverlongPenalty)
{
    /// <summary>The preset's configuration name (<c>actorrl.algorithm.loss</c>).</summary>
    public override string ToString() => Name;
}

public static class AlgorithmPresets
{
    public static readonly IReadOnlyDictionary<string, AlgorithmPreset> ByName = new AlgorithmPreset[]
    {
        // DeepSeekMath, arXiv 2402.03300.
        new("grpo", RatioLevels.Token, 0.2, 0.2, LossAggregations.SeqMeanTokenMean, false, AdvantageEstimators.Grpo, false, false, false),
        // DAPO, arXiv 2503.14476: clip-higher, token-level mean, dynamic sampling, soft overlong penalty.
        new("dapo", RatioLevels.Token, 0.2, 0.28, LossAggregations.TokenMean, false, AdvantageEstimators.Grpo, false, true, true),
        // Dr. GRPO, arXiv 2503.20783: no std or length normalisation (code form: divide by a constant K).
        new("drgrpo", RatioLevels.Token, 0.2, 0.2, LossAggregations.SeqMeanTokenSumNorm, false, AdvantageEstimators.DrGrpo, false, false, false),
        // GSPO, arXiv 2507.18071: sequence-level geometric-mean ratio.
        new("gspo", RatioLevels.Sequence, 3e-4, 4e-4, LossAggregations.SeqMeanTokenMean, false, AdvantageEstimators.Grpo, false, false, false),
        new("gspo-token", RatioLevels.SequenceToken, 3e-4, 4e-4, LossAggregations.SeqMeanTokenMean, false, AdvantageEstimators.Grpo, false, false, false),
        // LUSPO, arXiv 2602.05261: GSPO with each response's term weighted by its length.
        new("luspo", RatioLevels.Sequence, 2e-3, 2.5e-3, LossAggregations.SeqMeanTokenMean, true, AdvantageEstimators.Grpo, false, false, false),
        // SSPO, arXiv 2511.04256: subsentence-level ratio with entropy-adaptive clipping.
        new("sspo", RatioLevels.Subsentence, 0.2, 0.2, LossAggregations.SeqMeanTokenMean, false, AdvantageEstimators.Grpo, true, false, false),
    }.ToDictionary(p => p.Name);
}
