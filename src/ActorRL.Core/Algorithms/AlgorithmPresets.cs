namespace ActorRL.Core.Algorithms;

/// <summary>
/// The defaults a <c>loss</c> preset gives the keys of <c>actorrl.algorithm</c>; any key set explicitly wins.
/// Values follow each method's paper (see ALGORITHMS.md). GSPO's and LUSPO's tiny clip ranges come from their
/// large-model settings; wider ranges may suit small models, which is an experiment, not a silent default change.
/// </summary>
public sealed record AlgorithmPreset(
    string Name,
    string RatioLevel,
    double ClipLow,
    double ClipHigh,
    string Aggregation,
    bool LengthUnbiased,
    string Advantage,
    bool EntropyAdaptiveClip,
    bool DynamicSampling,
    bool OverlongPenalty);

public static class AlgorithmPresets
{
    public static readonly IReadOnlyDictionary<string, AlgorithmPreset> ByName = new AlgorithmPreset[]
    {
        // DeepSeekMath, arXiv 2402.03300.
        new("grpo", "token", 0.2, 0.2, "seq-mean-token-mean", false, "grpo", false, false, false),
        // DAPO, arXiv 2503.14476: clip-higher, token-level mean, dynamic sampling, soft overlong penalty.
        new("dapo", "token", 0.2, 0.28, "token-mean", false, "grpo", false, true, true),
        // Dr. GRPO, arXiv 2503.20783: no std or length normalisation (code form: divide by a constant K).
        new("drgrpo", "token", 0.2, 0.2, "seq-mean-token-sum-norm", false, "drgrpo", false, false, false),
        // GSPO, arXiv 2507.18071: sequence-level geometric-mean ratio.
        new("gspo", "sequence", 3e-4, 4e-4, "seq-mean-token-mean", false, "grpo", false, false, false),
        new("gspo-token", "sequence-token", 3e-4, 4e-4, "seq-mean-token-mean", false, "grpo", false, false, false),
        // LUSPO, arXiv 2602.05261: GSPO with each response's term weighted by its length.
        new("luspo", "sequence", 2e-3, 2.5e-3, "seq-mean-token-mean", true, "grpo", false, false, false),
        // SSPO, arXiv 2511.04256: subsentence-level ratio with entropy-adaptive clipping.
        new("sspo", "subsentence", 0.2, 0.2, "seq-mean-token-mean", false, "grpo", true, false, false),
    }.ToDictionary(p => p.Name);

    public static IReadOnlyList<string> Names { get; } = ByName.Keys.ToArray();
}
