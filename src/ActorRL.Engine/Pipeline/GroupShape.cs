using ActorRL.Core.Rollouts;
using ActorRL.Engine.Training;
using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// What a generated group must look like before anything on the learner's side touches it: a remote generator is
/// untrusted input, and a token id past the embedding or a response longer than max-new-tokens would otherwise fail
/// the learner (ending the run) instead of the one attempt.
///
/// With the learner's own <paramref name="Encoding"/>, the generator's word is taken for its sampled token ids, their
/// log-probs and versions only: the prompt's token ids must be this side's encoding of the prompt (a group sampled
/// on another context is refused), and the texts are decoded here from the token ids (<see cref="OwnTexts"/>), so
/// the verifier scores the tokens the learner trains on, not a text the generator chose to send beside them.
/// </summary>
/// <param name="VocabularySize">Token ids must lie in [0, this).</param>
/// <param name="Encoding">The learner's prompt encoding and tokenizer; null where there is none (synthetic pipelines).</param>
public sealed record GroupShape(int GroupSize, int MaxNewTokens, int VocabularySize, PromptEncoding? Encoding = null)
{
    /// <summary>Why <paramref name="group"/>, an attempt at <paramref name="prompt"/>, is malformed, or null when it is well formed.</summary>
    public string? Problem(RolloutGroup group, TaskPrompt? prompt = null)
    {
        if (group.Rollouts.Count != GroupSize) return $"{group.Rollouts.Count} responses, not G = {GroupSize}";
        if (BadToken(group.PromptTokenIds) is { } p) return $"prompt token id {p} outside the vocabulary (size {VocabularySize})";
        if (Encoding is not null && prompt is not null && !group.PromptTokenIds.SequenceEqual(Encoding.Prompt(prompt.Text)))
            return $"its prompt token ids are not this side's encoding of prompt {prompt.Id}";
        for (var i = 0; i < group.Rollouts.Count; i++)
        {
            var r = group.Rollouts[i];
            var n = r.TokenIds.Count;
            if (n > MaxNewTokens) return $"response {i} has {n} tokens, more than max-new-tokens ({MaxNewTokens})";
            if (r.TokenTexts.Count != n || r.BehaviourLogProbs.Count != n || r.TokenVersions.Count != n)
                return $"response {i} has {n} token ids but {r.TokenTexts.Count} texts, {r.BehaviourLogProbs.Count} log-probs and {r.TokenVersions.Count} versions";
            if (BadToken(r.TokenIds) is { } t) return $"response {i} holds token id {t}, outside the vocabulary (size {VocabularySize})";
            if (r.BehaviourLogProbs.Any(lp => !float.IsFinite(lp))) return $"response {i} has a log-prob that is not a finite number";
        }
        return null;
    }

    /// <summary>
    /// <paramref name="rollout"/> with its text and per-token texts decoded here from its token ids (unchanged without an
    /// encoding). Generators decode the same way (<c>SamplingSession</c>), so an honest group is unchanged.
    /// </summary>
    public Rollout OwnTexts(Rollout rollout) => Encoding?.Tokenizer is not { } tokenizer ? rollout : rollout with
    {
        Text = tokenizer.Decode(rollout.TokenIds),
        TokenTexts = rollout.TokenIds.Select(tokenizer.TokenText).ToList(),
    };

    private int? BadToken(IReadOnlyList<int> ids)
    {
        foreach (var id in ids)
            if ((uint)id >= (uint)VocabularySize) return id;
        return null;
    }
}
