using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// The learner's policy loss L = −J for one padded batch, configured by <see cref="AlgorithmSettings"/>:
/// importance ratio at the configured level → (entropy-adaptive) clip range → clipped surrogate (+ dual clip)
/// → decoupled off-policy weight → + KL − entropy bonus → aggregation. Works in the dtype of the new log-probs
/// (float32 in the learner, float64 in loss-check). Spec: docs/algorithms.md.
/// </summary>
public sealed class PolicyLoss
{
    private readonly AlgorithmSettings _settings;
    private readonly RatioLevels.Level _level;

    public PolicyLoss(AlgorithmSettings settings)
    {
        _settings = settings;
        _level = settings.RatioLevel;
    }

    public AlgorithmSettings Settings => _settings;

    /// <summary>
    /// Computes the loss. The returned tensor belongs to the caller's dispose scope; everything else is freed.
    /// Throws <see cref="ArgumentException"/> for a malformed batch (shapes, a response with no tokens,
    /// an input the configuration needs but the batch lacks).
    /// </summary>
    public PolicyLossResult Compute(PolicyBatch batch)
    {
        using var scope = NewDisposeScope();
        var logp = batch.NewLogProbs;
        if (logp.dim() != 2 || !logp.is_floating_point())
            throw new ArgumentException($"new log-probs must be a floating point [B,T] tensor; got {logp.dtype} [{Shape(logp)}]");
        var (b, t) = (logp.shape[0], logp.shape[1]);
        if (b == 0 || t == 0) throw new ArgumentException("the batch is empty");
        var mask = BoolMask(batch.Mask, b, t);
        var padding = mask.logical_not();
        RejectEmptyResponses(mask);
        var totals = batch.Totals?.Validate();
        if (totals is not null && (totals.Responses < b || totals.PaddedLength < t))
            throw new ArgumentException($"batch totals ({totals.Responses} responses, longest {totals.PaddedLength}) cannot cover a [{b},{t}] micro-batch of them");

        // Inputs zeroed at padding so whatever the padding holds (NaN, inf) cannot reach the loss or the gradient.
        Tensor Working(Tensor x) => x.to(logp.dtype, logp.device).masked_fill(padding, 0);
        Tensor Constant(Tensor? x, string name) =>
            Working(Check(x ?? throw new ArgumentException($"{name} are required by this configuration but the batch has none"), name, b, t)).detach();
        var newLogp = logp.masked_fill(padding, 0);
        var behaviour = Constant(batch.BehaviourLogProbs, "behaviour log-probs");
        var decoupled = _settings.OffPolicy.Decoupled;
        var anchor = decoupled ? Constant(batch.ProximalLogProbs, "proximal log-probs (off-policy.mode = decoupled)") : behaviour;
        var advantages = Working(Advantages(batch.Advantages, b, t)).detach();
        var needsEntropies = _settings.EntropyAdaptiveClip.Enabled || _settings.EntropyCoef != 0;
        var entropies = batch.Entropies is { } h
            ? Working(Check(h, "entropies", b, t))
            : needsEntropies ? throw new ArgumentException("token entropies are required by entropy-adaptive-clip.enabled or entropy-coef but the batch has none") : null;

        // 1. Importance ratio at the configured level (token / subsentence span / sequence).
        var units = _level.Units(mask, _level.NeedsSpans ? SpanIds(batch, mask, b, t) : null);
        var ratio = RatioLevels.Ratio(_level, units, newLogp, anchor);

        // 2. Clip range, optionally scaled per unit by its entropy (SSPO).
        var clip = _settings.EntropyAdaptiveClip;
        var scale = clip.Enabled
            ? EntropyAdaptiveClip.Scale(entropies!, mask, units, clip.MinScale, clip.MaxScale, BatchMeanEntropy(totals))
            : ones_like(newLogp);
        var low = 1 - _settings.ClipLow * scale;
        var high = 1 + _settings.ClipHigh * scale;

        // 3. Clipped surrogate per token, dual clip for negative advantages.
        var tokenLoss = ClippedSurrogate.Loss(ratio, advantages, low, high);
        if (_settings.DualClip is { } c) tokenLoss = ClippedSurrogate.DualClip(tokenLoss, advantages, c);

        // 4. Decoupled PPO (AReaL): weight by the truncated proximal/behaviour ratio at the same level, no gradient.
        Tensor? importanceWeight = null;
        if (decoupled)
        {
            importanceWeight = units.UnitMean(anchor - behaviour).exp().clamp_max(_settings.OffPolicy.IsCap).detach();
            tokenLoss = tokenLoss * importanceWeight;
        }
        var surrogate = Aggregate(tokenLoss, mask, t, totals);

        // 5. KL to the reference and entropy bonus, per token, aggregated like the surrogate (GRPO's objective form).
        Tensor? kl = null;
        var total = tokenLoss;
        if (_settings.Kl.Enabled || batch.ReferenceLogProbs is not null)
        {
            kl = _settings.Kl.Estimator.Compute(newLogp, Constant(batch.ReferenceLogProbs, "reference log-probs (kl.coef > 0)"));
            if (_settings.Kl.Enabled) total = total + _settings.Kl.Coef * kl;
        }
        if (_settings.EntropyCoef != 0) total = total - _settings.EntropyCoef * entropies!;
        var loss = ReferenceEquals(total, tokenLoss) ? surrogate : Aggregate(total, mask, t, totals);

        var metrics = PolicyLossMeasurement.Measure(new PolicyLossMeasurement.Inputs(
            ratio, advantages, low, high, _settings.DualClip, mask, units, newLogp, behaviour, entropies, surrogate, kl,
            importanceWeight, _settings.OffPolicy.IsCap));
        return new PolicyLossResult(loss.MoveToOuterDisposeScope(), metrics);
    }

    private Tensor Aggregate(Tensor tokenLoss, Tensor mask, long paddedLength, BatchTotals? totals)
    {
        // seq-mean-token-sum-norm with norm-length unset divides by the padded length, as verl does (pad to the
        // generation limit to make it constant); over micro-batches, the whole update's padded length.
        var options = new AggregationOptions(_settings.NormLength ?? totals?.PaddedLength ?? paddedLength, _settings.LengthUnbiased,
            totals?.Responses, totals?.Tokens);
        return LossAggregations.Aggregate(_settings.Aggregation, tokenLoss, mask, options);
    }

    /// <summary>H̄ of the whole update when the batch is one of its micro-batches; null: this batch's own.</summary>
    private static double? BatchMeanEntropy(BatchTotals? totals) =>
        totals is null ? null
        : totals.MeanEntropy ?? throw new ArgumentException("entropy-adaptive clipping over a micro-batch needs the whole update's mean entropy (BatchTotals.MeanEntropy)");

    private Tensor SpanIds(PolicyBatch batch, Tensor mask, long b, long t)
    {
        if (batch.SpanIds is { } given)
        {
            var ids = Check(given, "span ids", b, t).to_type(ScalarType.Int64).to(mask.device).masked_fill(mask.logical_not(), 0);
            if (ids.min().item<long>() < 0 || ids.max().item<long>() >= t)
                throw new ArgumentException($"span ids must lie in [0, {t}) at real tokens");
            return ids;
        }
        var texts = batch.TokenTexts
            ?? throw new ArgumentException("ratio-level subsentence needs the batch's token texts or span ids");
        return SubsentenceSplitter.SpanIdTensor(texts, mask, _settings.SubsentenceDelimiters);
    }

    private static Tensor BoolMask(Tensor mask, long b, long t)
    {
        Check(mask, "mask", b, t);
        return mask.dtype == ScalarType.Bool ? mask : mask != 0;
    }

    private static void RejectEmptyResponses(Tensor mask)
    {
        var counts = mask.sum(1).cpu().data<long>().ToArray();
        var empty = Array.FindIndex(counts, n => n == 0);
        if (empty >= 0)
            throw new ArgumentException($"response {empty} has no tokens (its mask row is all false); a zero-token response has no ratio or loss and must not reach the learner");
    }

    /// <summary>[B] per-response advantages broadcast to [B,T], or [B,T] per-token advantages as given.</summary>
    private static Tensor Advantages(Tensor advantages, long b, long t) =>
        advantages.dim() == 1 && advantages.shape[0] == b ? advantages.unsqueeze(1).expand(b, t)
        : advantages.dim() == 2 && advantages.shape[0] == b && advantages.shape[1] == t ? advantages
        : throw new ArgumentException($"advantages must be [{b}] (one per response) or [{b},{t}] (one per token); got [{Shape(advantages)}]");

    private static Tensor Check(Tensor x, string name, long b, long t) =>
        x.dim() == 2 && x.shape[0] == b && x.shape[1] == t
            ? x
            : throw new ArgumentException($"{name} must be [{b},{t}] like the new log-probs; got [{Shape(x)}]");

    private static string Shape(Tensor x) => string.Join(",", x.shape);
}

/// <summary>The scalar loss to minimise (carries the graph to the new log-probs) and what it measured.</summary>
public sealed record PolicyLossResult(Tensor Loss, PolicyLossMetrics Metrics);
