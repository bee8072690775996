using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// One padded learner batch of B responses, T positions each (response tokens only; prompts excluded).
/// Every [B,T] tensor must be meaningful where <see cref="Mask"/> is true; padded values are ignored,
/// whatever they hold (NaN and ±inf included).
/// </summary>
/// <param name="NewLogProbs">[B,T] log-probs of the sampled tokens under the current policy; requires grad.</param>
/// <param name="BehaviourLogProbs">[B,T] log-probs recorded by the generator that sampled the tokens.</param>
/// <param name="Mask">[B,T] bool (or 0/1): which positions are response tokens. Every row needs at least one.</param>
/// <param name="Advantages">[B] one advantage per response (see <see cref="AdvantageEstimators"/>), or [B,T] one per token
/// (GSPO-token's reason to exist).</param>
public sealed record PolicyBatch(Tensor NewLogProbs, Tensor BehaviourLogProbs, Tensor Mask, Tensor Advantages)
{
    /// <summary>[B,T] proximal log-probs (weights at the start of the learner step, no grad); decoupled mode only.</summary>
    public Tensor? ProximalLogProbs { get; init; }

    /// <summary>[B,T] reference-policy log-probs; needed when the KL penalty is on.</summary>
    public Tensor? ReferenceLogProbs { get; init; }

    /// <summary>
    /// [B,T] token entropies of the current policy; needed for entropy-adaptive clipping (used without gradient)
    /// and for the entropy bonus (gradient flows if they carry one).
    /// </summary>
    public Tensor? Entropies { get; init; }

    /// <summary>Per response, the text of each real token in order; used to split subsentences.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? TokenTexts { get; init; }

    /// <summary>[B,T] int64 subsentence span ids in [0,T); takes precedence over <see cref="TokenTexts"/>.</summary>
    public Tensor? SpanIds { get; init; }

    /// <summary>
    /// When this batch is one micro-batch of a larger optimizer update: that update's totals, which the loss
    /// normalises by so the micro-batches' losses and gradients sum to the unsplit update's. null: the batch is the
    /// whole update.
    /// </summary>
    public BatchTotals? Totals { get; init; }
}
