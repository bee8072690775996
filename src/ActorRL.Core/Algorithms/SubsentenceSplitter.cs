using static TorchSharp.torch;

namespace ActorRL.Core.Algorithms;

/// <summary>
/// Splits a response into subsentence spans for SSPO (arXiv 2511.04256). A span ends after a token whose
/// text, with trailing spaces and tabs removed, ends with one of the delimiters; the tokens after the last
/// delimiter form the final span, and a delimiter on the final token does not open an empty span.
/// Newlines are not trimmed, so "\n" can itself be a delimiter.
/// </summary>
public static class SubsentenceSplitter
{
    /// <summary>The default delimiters: <c>, . ; : ! ?</c> and newline.</summary>
    public static IReadOnlyList<string> DefaultDelimiters { get; } = new[] { ",", ".", ";", ":", "!", "?", "\n" };

    /// <summary>Span id (0, 1, 2, …) of every token of one response.</summary>
    public static int[] SpanIds(IReadOnlyList<string> tokens, IReadOnlyList<string> delimiters)
    {
        var ids = new int[tokens.Count];
        var span = 0;
        for (var t = 0; t < tokens.Count; t++)
        {
            ids[t] = span;
            if (t < tokens.Count - 1 && EndsSpan(tokens[t], delimiters)) span++;
        }
        return ids;
    }

    /// <summary>Whether a span ends after this token.</summary>
    public static bool EndsSpan(string token, IReadOnlyList<string> delimiters)
    {
        var trimmed = token.TrimEnd(' ', '\t');
        if (trimmed.Length == 0) return false;
        foreach (var delimiter in delimiters)
            if (delimiter.Length > 0 && trimmed.EndsWith(delimiter, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// [B,T] int64 span ids for a padded batch: row i's real tokens (where <paramref name="mask"/> is true, in
    /// order) take the span ids of <paramref name="tokenTexts"/>[i]; padded positions get 0.
    /// </summary>
    public static Tensor SpanIdTensor(IReadOnlyList<IReadOnlyList<string>> tokenTexts, Tensor mask, IReadOnlyList<string> delimiters)
    {
        var (b, t) = (mask.shape[0], mask.shape[1]);
        if (tokenTexts.Count != b) throw new ArgumentException($"token texts cover {tokenTexts.Count} responses, the batch has {b}");
        var real = mask.cpu().data<bool>().ToArray();
        var spans = new long[b * t];
        for (var i = 0; i < b; i++)
        {
            var ids = SpanIds(tokenTexts[i], delimiters);
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
}
