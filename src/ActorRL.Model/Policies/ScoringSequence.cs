using static TorchSharp.torch;

namespace ActorRL.Model.Policies;

/// <summary>A prompt and a response to score: the log-prob of every response token given what precedes it.</summary>
public sealed record ScoringSequence(IReadOnlyList<int> Prompt, IReadOnlyList<int> Response);

/// <param name="Temperature">Must equal the sampling temperature for ratios to compare like with like (0 is scored as 1, as greedy sampling records).</param>
/// <param name="ComputeEntropy">Entropies cost one more pass over [B, T, V]; skip them when unused.</param>
/// <param name="EntropyGradient">Whether the entropies carry a gradient (an entropy bonus needs one; entropy-adaptive
/// clipping and metrics do not). Without one they are computed outside the graph, which saves a [B, T, V] tensor.</param>
public sealed record ScoreOptions(double Temperature = 1.0, bool ComputeEntropy = true, bool EntropyGradient = true);

/// <summary>
/// Per-token scores of a batch of responses, laid out [B, T] with T the longest response; position t of row b
/// scores response token t. Padded positions hold 0 in every tensor. The tensors belong to the caller's
/// current DisposeScope; <see cref="LogProbs"/> and <see cref="Entropies"/> carry gradients to the weights.
/// </summary>
/// <param name="LogProbs">log softmax(logits / T) at the response tokens, [B, T]; model dtype (float32 for half-precision models).</param>
/// <param name="Entropies">Entropy of the same distribution at each position, [B, T]; null when not requested.</param>
/// <param name="Mask">1 at real response tokens, 0 at padding, [B, T], same dtype as <see cref="LogProbs"/>.</param>
/// <param name="ResponseLengths">Real length of each response.</param>
public sealed record ScoreResult(Tensor LogProbs, Tensor? Entropies, Tensor Mask, IReadOnlyList<int> ResponseLengths);
