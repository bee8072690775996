using System.Text;

namespace ActorRL.Model.Policies;

/// <summary>Accumulates one response token by token and decides when it stops.</summary>
internal sealed class ResponseBuilder(int promptIndex, int sampleIndex, IReadOnlyList<int> prompt)
{
    private readonly List<int> _ids = [];
    private readonly List<string> _texts = [];
    private readonly List<float> _logProbs = [];
    private readonly List<float> _samplerLogProbs = [];
    private readonly List<float> _entropies = [];
    private readonly List<long> _versions = [];
    private readonly StringBuilder _text = new();

    public IReadOnlyList<int> Prompt { get; } = prompt;
    public FinishReason? Finished { get; private set; }
    public int Length => _ids.Count;

    public void Append(int id, string text, float logProb, float samplerLogProb, float entropy, long version)
    {
        _ids.Add(id);
        _texts.Add(text);
        _logProbs.Add(logProb);
        _samplerLogProbs.Add(samplerLogProb);
        _entropies.Add(entropy);
        _versions.Add(version);
        _text.Append(text);
    }

    /// <summary>True when the text appended last completed one of <paramref name="stopStrings"/>.</summary>
    public bool EndsAStopString(IReadOnlyList<string> stopStrings, int appendedChars)
    {
        foreach (var stop in stopStrings)
        {
            // Only a match overlapping the newly appended characters is new.
            var start = Math.Max(0, _text.Length - appendedChars - stop.Length + 1);
            if (_text.Length - start >= stop.Length && _text.ToString(start, _text.Length - start).Contains(stop, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    public void Finish(FinishReason reason) => Finished ??= reason;

    /// <summary>
    /// Ends the response if the token appended last (<paramref name="token"/>, <paramref name="text"/>) is a stop token or
    /// completed a stop string (Stop), or the response reached <paramref name="limit"/> tokens (Length). True if it ended.
    /// </summary>
    public bool FinishIfDone(int token, string text, IReadOnlySet<int> stopIds, IReadOnlyList<string>? stopStrings, int limit)
    {
        if (stopIds.Contains(token) || (stopStrings is { Count: > 0 } && EndsAStopString(stopStrings, text.Length))) Finish(FinishReason.Stop);
        else if (Length >= limit) Finish(FinishReason.Length);
        return Finished is not null;
    }

    public SampledResponse Build(string decodedText) => new(
        promptIndex, sampleIndex, Prompt, [.. _ids], [.. _texts], decodedText,
        [.. _logProbs], [.. _samplerLogProbs], [.. _entropies], [.. _versions],
        Finished ?? throw new InvalidOperationException("response is still being decoded"));

    public IReadOnlyList<int> Ids => _ids;
}
