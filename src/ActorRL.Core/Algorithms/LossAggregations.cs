using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// How per-token losses ℓ_{i,t} [B,T] become one scalar; the only place aggregation happens. Keyed by the
/// <c>actorrl.algorithm.aggregation</c> name, which the settings look up once. |y_i| is response i's token count,
/// B the number of responses.
/// </summary>
public static class LossAggregations
{
    /// <summary>
    /// An aggregation: (masked per-token loss [B,T] zero at padding, token counts [B], options) → scalar. Prints as
    /// its configuration name.
    /// </summary>
    public sealed record Aggregation(string Name, Func<Tensor, Tensor, AggregationOptions, Tensor> Reduce)
    {
        public override string ToString() => Name;
    }

    // Each divides by a count of the whole update (o.Responses, o.Tokens), never by the batch in hand's own: over the
    // micro-batches of one update the losses then sum to the unsplit loss (BatchTotals).

    // DAPO (arXiv 2503.14476): (1/Σ|y_i|) Σ ℓ — every token weighs the same, long responses are not diluted.
    public static readonly Aggregation TokenMean = new("token-mean", (loss, lengths, o) => o.Tokens is { } n ? loss.sum() / (double)n : loss.sum() / lengths.sum());

    // GRPO paper, GSPO, SSPO: (1/B) Σ_i (1/|y_i|) Σ_t ℓ. LUSPO's length-unbiased form (arXiv 2602.05261)
    // multiplies each response's term by |y_i|, making a sequence-level ratio's per-token gradient s_i·A_i/B.
    public static readonly Aggregation SeqMeanTokenMean = new("seq-mean-token-mean", (loss, lengths, o) =>
    {
        var perResponse = loss.sum(1) / lengths;
        return (o.LengthUnbiased ? perResponse * lengths : perResponse).sum() / o.ResponsesOr(loss);
    });

    // Dr. GRPO paper form (arXiv 2503.20783): (1/B) Σ_i Σ_t ℓ.
    public static readonly Aggregation SeqMeanTokenSum = new("seq-mean-token-sum", (loss, _, o) => loss.sum() / o.ResponsesOr(loss));

    // Dr. GRPO code form: (1/(B·K)) Σ ℓ with a constant K, so no response's tokens are reweighted by its length.
    public static readonly Aggregation SeqMeanTokenSumNorm = new("seq-mean-token-sum-norm", (loss, _, o) => loss.sum() / (o.ResponsesOr(loss) * o.NormLength));

    public static readonly IReadOnlyDictionary<string, Aggregation> ByName =
        new[] { TokenMean, SeqMeanTokenMean, SeqMeanTokenSum, SeqMeanTokenSumNorm }.ToDictionary(a => a.Name);

    /// <summary>Aggregates <paramref name="loss"/> [B,T] over the real tokens in <paramref name="mask"/> [B,T].</summary>
    public static Tensor Aggregate(Aggregation aggregation, Tensor loss, Tensor mask, AggregationOptions options)
    {
        var lengths = mask.sum(1).to_type(loss.dtype);
        return aggregation.Reduce(loss.masked_fill(mask.logical_not(), 0), lengths, options);
    }
}

/// <summary>
/// <paramref name="NormLength"/>: K of <c>seq-mean-token-sum-norm</c>. <paramref name="LengthUnbiased"/>: LUSPO's
/// weighting, only meaningful with <c>seq-mean-token-mean</c>. <paramref name="Responses"/> and <paramref name="Tokens"/>:
/// B and Σ|y_i| of the whole update when the loss is taken over one of its micro-batches (<see cref="BatchTotals"/>);
/// null: the batch in hand is the whole update.
/// </summary>
public sealed record AggregationOptions(double NormLength = 1, bool LengthUnbiased = false, long? Responses = null, long? Tokens = null)
{
    internal double ResponsesOr(Tensor loss) => Responses ?? loss.shape[0];
}
