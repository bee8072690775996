using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// The learner's policy loss L = −J for one padded batch, configured by <see cref="AlgorithmSettings"/>:
/// importance ratio at the configured level → (entropy-adaptive) clip range → clipped surrogate (+ dual clip)
/// → decoupled off-policy weight → + KL − entropy bonus → aggregation. Works in the dtype of the new log-probs
/// (float32 in the learner, float64 in loss-check). Spec: ALGORITHMS.md.
/// </summary>
public sealed class PolicyLoss
{
    private readonly AlgorithmSettings _settings;
    private readonly RatioLevels.Level _level;
    private readonly AggregationOptions _aggregation;

    public PolicyLoss(AlgorithmSettings settings)
    {
        _settings = settings;
        _level = RatioLevels.ByName.TryGetValue(settings.RatioLevel, out var level)
            ? level
            : throw new ArgumentException($"unknown ratio level \"{settings.RatioLevel}\"; expected one of {string.Join(" | ", RatioLevels.Names)}");
        if (!LossAggregations.ByName.ContainsKey(settings.Aggregation))
            throw new ArgumentException($"unknown aggregation \"{settings.Aggregation}\"; expected one of {string.Join(" | ", LossAggregations.Names)}");
        _aggregation = new AggregationOptions(settings.NormLength ?? 0, settings.LengthUnbiased);
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
        var lengths = mask.sum(1);
        RejectEmptyResponses(lengths);

        // Constants: cast to the working dtype, cut from any graph, zero at padding so garbage there is inert.
        Tensor Constant(Tensor? x, string name) =>
            Check(x ?? throw new ArgumentException($"{name} are required by this configuration but the batch has none"), name, b, t)
                .to(logp.dtype, logp.device).detach().masked_fill(padding, 0);
        var newLogp = logp.masked_fill(padding, 0);
        var behaviour = Constant(batch.BehaviourLogProbs, "behaviour log-probs");
        var decoupled = _settings.OffPolicy.Decoupled;
        var anchor = decoupled ? Constant(batch.ProximalLogProbs, "proximal log-probs (off-policy.mode = decoupled)") : behaviour;
        var advantages = CheckAdvantages(batch.Advantages, b).to(logp.dtype, logp.device).detach().unsqueeze(1).expand(b, t);
        var entropiesNeeded = _settings.EntropyAdaptiveClip.Enabled || _settings.EntropyCoef != 0;
        var entropies = batch.Entropies is null && !entropiesNeeded
            ? null
            : Check(batch.Entropies ?? throw new ArgumentException(
                "token entropies are required by entropy-adaptive-clip.enabled or entropy-coef but the batch has none"), "entropies", b, t)
                .to(logp.dtype, logp.device).masked_fill(padding, 0);

        // 1. Importance ratio at the configured level (token / subsentence span / sequence).
        var units = _level.Units(mask, _level.NeedsSpans ? SpanIds(batch, mask, b, t) : null);
        var ratio = RatioLevels.Ratio(_level, units, newLogp, anchor);

        // 2. Clip range, optionally scaled per unit by its entropy (SSPO).
        var scale = _settings.EntropyAdaptiveClip.Enabled
            ? EntropyAdaptiveClip.Scale(entropies!, mask, units, _settings.EntropyAdaptiveClip.MinScale, _settings.EntropyAdaptiveClip.MaxScale)
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
        var surrogate = Aggregate(tokenLoss, mask, t);

        // 5. KL to the reference and entropy bonus, per token, aggregated like the surrogate (GRPO's objective form).
        Tensor? kl = null;
        var total = tokenLoss;
        if (_settings.Kl.Enabled || batch.ReferenceLogProbs is not null)
        {
            kl = KlEstimators.ByName[_settings.Kl.Estimator](newLogp, Constant(batch.ReferenceLogProbs, "reference log-probs (kl.coef > 0)"));
            if (_settings.Kl.Enabled) total = total + _settings.Kl.Coef * kl;
        }
        if (_settings.EntropyCoef != 0) total = total - _settings.EntropyCoef * entropies!;
        var loss = ReferenceEquals(total, tokenLoss) ? surrogate : Aggregate(total, mask, t);

        var metrics = Measure(ratio, advantages, low, high, mask, units, newLogp, behaviour, entropies, surrogate, kl, importanceWeight);
        return new PolicyLossResult(loss.MoveToOuterDisposeScope(), metrics);
    }

    private Tensor Aggregate(Tensor tokenLoss, Tensor mask, long paddedLength)
    {
        // seq-mean-token-sum-norm with norm-length unset divides by the padded length, as verl does (pad to the
        // generation limit to make it constant).
        var options = _settings.NormLength is null ? _aggregation with { NormLength = paddedLength } : _aggregation;
        return LossAggregations.Aggregate(_settings.Aggregation, tokenLoss, mask, options);
    }

    private PolicyLossMetrics Measure(Tensor ratio, Tensor advantages, Tensor low, Tensor high, Tensor mask, RatioUnits units,
        Tensor newLogp, Tensor behaviour, Tensor? entropies, Tensor surrogate, Tensor? kl, Tensor? importanceWeight)
    {
        using var noGrad = no_grad();
        var dtype = ScalarType.Float64;
        var r = ratio.detach();
        var clippedHigh = ClippedSurrogate.ClippedHigh(r, advantages, high).logical_and(mask);
        var clippedLow = ClippedSurrogate.ClippedLow(r, advantages, low).logical_and(mask);
        var dual = _settings.DualClip is { } c
            ? ClippedSurrogate.DualClipped(r, advantages, c).logical_and(mask)
            : zeros_like(mask);
        var tokens = mask.sum().to_type(dtype);
        // Each token weighs 1/|unit|, so every unit counts once in the unit-level fractions.
        var unitWeight = mask.to_type(dtype) / units.SizeOfUnit.to_type(dtype).clamp_min(1);
        var unitCount = unitWeight.sum();
        Tensor TokenFraction(Tensor flags) => flags.to_type(dtype).sum() / tokens;
        Tensor UnitFraction(Tensor flags) => (flags.to_type(dtype) * unitWeight).sum() / unitCount;
        Tensor TokenMean(Tensor x) => x.detach().to_type(dtype).masked_fill(mask.logical_not(), 0).sum() / tokens;
        var noGradient = clippedHigh.logical_or(clippedLow).logical_or(dual);
        var fullyClipped = noGradient.logical_or(mask.logical_not()).all(1).to_type(dtype).mean();
        var approxKl = KlEstimators.ByName["k3"](newLogp.detach(), behaviour);

        var values = new List<Tensor>
        {
            surrogate.detach().to_type(dtype),
            UnitFraction(clippedLow), UnitFraction(clippedHigh), UnitFraction(dual),
            TokenFraction(clippedLow), TokenFraction(clippedHigh), TokenFraction(dual),
            TokenMean(r),
            r.to_type(dtype).masked_fill(mask.logical_not(), double.PositiveInfinity).min(),
            r.to_type(dtype).masked_fill(mask.logical_not(), double.NegativeInfinity).max(),
            TokenMean(approxKl),
            fullyClipped, unitCount, tokens,
        };
        if (entropies is not null) values.Add(TokenMean(entropies));
        if (kl is not null) values.Add(TokenMean(kl));
        if (importanceWeight is not null)
        {
            values.Add(TokenMean(importanceWeight));
            values.Add(TokenFraction((importanceWeight >= _settings.OffPolicy.IsCap).logical_and(mask)));
        }
        // One transfer for every number (cheap on a GPU too).
        var v = stack(values).cpu().data<double>().ToArray();
        var next = 14;
        double? Next(bool present) => present ? v[next++] : null;
        return new PolicyLossMetrics(
            SurrogateLoss: v[0],
            ClipFractionLow: v[1], ClipFractionHigh: v[2], ClipFractionDual: v[3],
            TokenClipFractionLow: v[4], TokenClipFractionHigh: v[5], TokenClipFractionDual: v[6],
            RatioMean: v[7], RatioMin: v[8], RatioMax: v[9],
            ApproxKlBehaviour: v[10],
            MeanEntropy: Next(entropies is not null),
            FullyClippedResponseFraction: v[11],
            KlToReference: Next(kl is not null),
            ImportanceWeightMean: Next(importanceWeight is not null),
            ImportanceWeightCappedFraction: Next(importanceWeight is not null),
            Responses: mask.shape[0],
            Tokens: (long)v[13],
            Units: (long)Math.Round(v[12]));
    }

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
        if (texts.Count != b) throw new ArgumentException($"token texts cover {texts.Count} responses, the batch has {b}");
        var real = mask.cpu().data<bool>().ToArray();
        var spans = new long[b * t];
        for (var i = 0; i < b; i++)
        {
            var ids = SubsentenceSplitter.SpanIds(texts[i], _settings.SubsentenceDelimiters);
            var k = 0;
            for (var j = i * t; j < (i + 1) * t; j++)
            {
                if (!real[j]) continue;
                if (k < ids.Length) spans[j] = ids[k];
                k++;
            }
            if (ids.Length != k)
                throw new ArgumentException($"response {i} has {k} tokens in the mask but {ids.Length} token texts");
        }
        return tensor(spans, new[] { b, t }).to(mask.device);
    }

    private static Tensor BoolMask(Tensor mask, long b, long t)
    {
        Check(mask, "mask", b, t);
        return mask.dtype == ScalarType.Bool ? mask : mask != 0;
    }

    private static void RejectEmptyResponses(Tensor lengths)
    {
        var counts = lengths.cpu().data<long>().ToArray();
        var empty = Array.FindIndex(counts, n => n == 0);
        if (empty >= 0)
            throw new ArgumentException($"response {empty} has no tokens (its mask row is all false); a zero-token response has no ratio or loss and must not reach the learner");
    }

    private static Tensor Check(Tensor x, string name, long b, long t) =>
        x.dim() == 2 && x.shape[0] == b && x.shape[1] == t
            ? x
            : throw new ArgumentException($"{name} must be [{b},{t}] like the new log-probs; got [{Shape(x)}]");

    private static Tensor CheckAdvantages(Tensor advantages, long b) =>
        advantages.dim() == 1 && advantages.shape[0] == b
            ? advantages
            : throw new ArgumentException($"advantages must be [{b}] (one per response); got [{Shape(advantages)}]");

    private static string Shape(Tensor x) => string.Join(",", x.shape);
}

/// <summary>The scalar loss to minimise (carries the graph to the new log-probs) and what it measured.</summary>
public sealed record PolicyLossResult(Tensor Loss, PolicyLossMetrics Metrics);
