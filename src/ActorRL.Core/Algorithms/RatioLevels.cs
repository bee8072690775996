using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// Importance-ratio levels, keyed by the <c>actorrl.algorithm.ratio-level</c> name. With token log-ratios
/// d_t = logp_t − logp_anchor,t (anchor = behaviour or proximal log-probs):
/// <list type="bullet">
/// <item><c>token</c> (GRPO arXiv 2402.03300, DAPO arXiv 2503.14476): ρ_t = exp(d_t).</item>
/// <item><c>subsentence</c> (SSPO arXiv 2511.04256): ρ_S = exp(mean_{t∈S} d_t) for every token of span S.</item>
/// <item><c>sequence</c> (GSPO arXiv 2507.18071, LUSPO arXiv 2602.05261): s_i = exp(mean_t d_t) for every token of
/// response i; the geometric mean keeps s_i in a length-independent range.</item>
/// <item><c>sequence-token</c> (GSPO-token): s_{i,t} = sg[s_i]·exp(logp_t − sg[logp_t]); same value as s_i and,
/// with per-response advantages, the same loss and gradient as <c>sequence</c>.</item>
/// </list>
/// </summary>
public static class RatioLevels
{
    /// <summary>A ratio level; prints as its configuration name.</summary>
    public sealed record Level(string Name, bool TokenForm, bool NeedsSpans, bool AllowsDualClip, Func<Tensor, Tensor?, RatioUnits> Units)
    {
        public override string ToString() => Name;
    }

    public static readonly Level Token =
        new("token", TokenForm: false, NeedsSpans: false, AllowsDualClip: true, (mask, _) => RatioUnits.Tokens(mask));

    public static readonly Level Subsentence = new("subsentence", TokenForm: false, NeedsSpans: true, AllowsDualClip: true,
        (mask, spans) => RatioUnits.Spans(spans ?? throw new ArgumentException("ratio-level subsentence needs span ids or token texts"), mask));

    public static readonly Level Sequence =
        new("sequence", TokenForm: false, NeedsSpans: false, AllowsDualClip: false, (mask, _) => RatioUnits.Sequences(mask));

    public static readonly Level SequenceToken =
        new("sequence-token", TokenForm: true, NeedsSpans: false, AllowsDualClip: false, (mask, _) => RatioUnits.Sequences(mask));

    public static readonly IReadOnlyDictionary<string, Level> ByName =
        new[] { Token, Subsentence, Sequence, SequenceToken }.ToDictionary(l => l.Name);

    /// <summary>Bound on a unit's log-ratio before exponentiation.</summary>
    public const double MaxLogRatio = 20;

    /// <summary>
    /// The ratio every token uses, [B,T]. <paramref name="logp"/> carries the gradient; <paramref name="anchorLogp"/>
    /// is a constant. Both must already be zero at padded positions.
    /// </summary>
    public static Tensor Ratio(Level level, RatioUnits units, Tensor logp, Tensor anchorLogp)
    {
        // A log-ratio beyond ±20 (ratio 5·10⁸) would overflow to inf, and a clipped inf still poisons the backward
        // pass with 0·inf = NaN; verl clamps at the same bound. Inside it the ratio is exact.
        var unitRatio = units.UnitMean(logp - anchorLogp).clamp(-MaxLogRatio, MaxLogRatio).exp();
        // Token form: the value is the unit's ratio, the gradient is that of a per-token ratio scaled by it.
        return level.TokenForm ? unitRatio.detach() * (logp - logp.detach()).exp() : unitRatio;
    }
}
