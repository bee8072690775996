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
}
