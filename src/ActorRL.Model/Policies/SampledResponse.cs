namespace ActorRL.Model.Policies;

public enum FinishReason
{
    /// <summary>The response emitted EOS, a stop token or completed a stop string.</summary>
    Stop,
    /// <summary>The response reached the request's max new tokens.</summary>
    Length,
}

/// <summary>
/// One sampled response with everything the learner needs to compute importance ratios. All arrays have one
/// entry per response token.
/// </summary>
/// <param name="PromptIndex">Index of the prompt in the request.</param>
/// <param name="SampleIndex">0 .. SamplesPerPrompt-1 within the prompt's group.</param>
/// <param name="TokenIds">Sampled ids; a stop token, when one ended the response, is the last entry.</param>
/// <param name="TokenTexts">Text of each token on its own (see <c>ITokenizer.TokenText</c>).</param>
/// <param name="Text">Decoded text of the whole response.</param>
/// <param name="LogProbs">
/// Behaviour log-prob of each token under the temperature-scaled, untruncated distribution
/// log softmax(logits / T) — exactly what <see cref="IPolicy.Score"/> returns at the same temperature, so a
/// learner's ratio compares like with like. With top-p &lt; 1 the token was actually drawn from the truncated,
/// renormalised nucleus; its probability there is in <see cref="SamplerLogProbs"/>. With T = 0 (greedy) the
/// distribution is the untempered softmax(logits).
/// </param>
/// <param name="SamplerLogProbs">
/// Log-prob of each token under the distribution it was really drawn from (the top-p nucleus, renormalised).
/// Equal to <see cref="LogProbs"/> when top-p = 1; 0 for greedy decoding (the choice was certain).
/// </param>
/// <param name="Entropies">Entropy (nats) of the temperature-scaled, untruncated distribution at each position.</param>
/// <param name="Versions">Policy version whose weights produced each token (weights may change mid-response).</param>
public sealed record SampledResponse(
    int PromptIndex,
    int SampleIndex,
    IReadOnlyList<int> PromptTokenIds,
    int[] TokenIds,
    string[] TokenTexts,
    string Text,
    float[] LogProbs,
    float[] SamplerLogProbs,
    float[] Entropies,
    long[] Versions,
    FinishReason FinishReason)
{
    public int Length => TokenIds.Length;
}
