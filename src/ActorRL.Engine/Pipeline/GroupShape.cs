using ActorRL.Core.Rollouts;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// What a generated group must look like before anything on the learner's side touches it: a remote generator is
/// untrusted input, and a token id past the embedding or a response longer than max-new-tokens would otherwise fail
/// the learner (ending the run) instead of the one attempt.
/// </summary>
/// <param name="VocabularySize">Token ids must lie in [0, this).</param>
public sealed record GroupShape(int GroupSize, int MaxNewTokens, int VocabularySize)
{
    /// <summary>Why <paramref name="group"/> is malformed, or null when it is well formed.</summary>
    public string? Problem(RolloutGroup group)
    {
        if (group.Rollouts.Count != GroupSize) return $"{group.Rollouts.Count} responses, not G = {GroupSize}";
        if (BadToken(group.PromptTokenIds) is { } p) return $"prompt token id {p} outside the vocabulary (size {VocabularySize})";
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

    private int? BadToken(IReadOnlyList<int> ids)
    {
        foreach (var id in ids)
            if ((uint)id >= (uint)VocabularySize) return id;
        return null;
    }
}
