namespace ActorRL.Core.Algorithms;

/// <summary>
/// The totals of a whole optimizer update that a loss over one of its micro-batches must normalise by, so that the
/// micro-batches' losses (and gradients) sum exactly to the unsplit update's. Every aggregation divides by one of
/// them; a micro-batch that divided by its own counts would weight its responses by how the update happened to be
/// cut — the classic accumulation bug (TRL #6654: LUSPO's length weight applied per micro-batch).
/// </summary>
/// <param name="Responses">B: responses in the whole update.</param>
/// <param name="Tokens">Σ|y_i|: response tokens in the whole update.</param>
/// <param name="PaddedLength">The longest response of the whole update (the unsplit batch's T), the default K of
/// seq-mean-token-sum-norm.</param>
/// <param name="MeanEntropy">H̄, the mean token entropy over the whole update under the current policy, for
/// entropy-adaptive clipping; null when the loss needs none.</param>
public sealed record BatchTotals(long Responses, long Tokens, long PaddedLength, double? MeanEntropy = null)
{
    public BatchTotals Validate()
    {
        if (Responses < 1 || Tokens < Responses || PaddedLength < 1 || Tokens > Responses * PaddedLength)
            throw new ArgumentException(
                $"batch totals are inconsistent: {Responses} responses, {Tokens} tokens, longest {PaddedLength} (need 1 ≤ B ≤ tokens ≤ B·longest)");
        if (MeanEntropy is { } h && !(h >= 0 && double.IsFinite(h)))
            throw new ArgumentException($"batch mean entropy must be a finite number ≥ 0, got {h}");
        return this;
    }
}
