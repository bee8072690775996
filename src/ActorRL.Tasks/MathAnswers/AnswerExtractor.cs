using System.Text.RegularExpressions;

namespace ActorRL.Tasks.MathAnswers;

/// <summary>
/// Finds the final answer in free text. Rules, first match wins: the last balanced <c>\boxed{}</c>; the last
/// <c>#### x</c>; the last answer phrase ("final answer: x", "the answer is x", "Answer: x"); a trailing LaTeX
/// math span; a response that is itself a bare answer; a final statement "x = value"; the last number. The text
/// after a phrase or a statement's "=" is cut at the end of its line or sentence.
/// <para>
/// The final statement: the last "v = …" whose left side is one variable ("x", "y", "a_1"; not "2x", "48/2"),
/// when no number comes after it — "so 2x = 10, hence x = \frac{5}{2}." gives "\frac{5}{2}" where the last number
/// would give "2"; "x = 5, y = 3" gives "3"; a chain "x = 10/2 = 5" gives its last value "5". A later number
/// ("x = 5. So the total is 10") or prose in the value ("x = 5 and the total is 10") leaves the answer to the
/// last number, so the rule only ever widens the last number to the whole value it belongs to.
/// </para>
/// </summary>
public static partial class AnswerExtractor
{
    /// <summary>The longest response text we look at (the tail is where answers live).</summary>
    private const int MaxScannedLength = 20_000;

    /// <summary>The gold answer of a dataset record: after <c>####</c> (GSM8K), the last <c>\boxed{}</c> (MATH), else the text itself.</summary>
    public static string FromGold(string gold)
    {
        var hashes = gold.LastIndexOf("####", StringComparison.Ordinal);
        if (hashes >= 0) return gold[(hashes + 4)..].Trim();
        return LastBoxed(gold) ?? gold.Trim();
    }

    /// <summary>The final answer of a model response, or null when there is none.</summary>
    public static ExtractedAnswer? FromResponse(string response)
    {
        var text = response.Length > MaxScannedLength ? response[^MaxScannedLength..] : response;
        if (string.IsNullOrWhiteSpace(text)) return null;

        if (LastBoxed(text) is { } boxed) return Answer(boxed, AnswerSource.Boxed);

        var hashes = text.LastIndexOf("####", StringComparison.Ordinal);
        if (hashes >= 0) return Answer(FirstLine(text[(hashes + 4)..]), AnswerSource.Hashes);

        if (LastPhrase(text) is { } phrase) return Answer(CutSentence(phrase), AnswerSource.Phrase);

        var trimmed = text.Trim().TrimEnd('.', '!', ' ');
        if (TrailingMath(trimmed) is { } math) return Answer(math, AnswerSource.TrailingMath);
        if (LooksLikeBareAnswer(trimmed)) return Answer(trimmed, AnswerSource.Bare);
        if (FinalStatement(text) is { } statement) return Answer(statement, AnswerSource.FinalStatement);

        var numbers = NumberPattern().Matches(text);
        return numbers.Count == 0 ? null : Answer(numbers[^1].Value, AnswerSource.LastNumber);
    }

    private static ExtractedAnswer? Answer(string text, AnswerSource source)
    {
        var cleaned = text.Trim().Trim('*').Trim();
        return cleaned.Length == 0 ? null : new ExtractedAnswer(cleaned, source);
    }

    /// <summary>Content of the last <c>\boxed{...}</c> or <c>\fbox{...}</c> whose braces balance (also <c>\boxed 5</c>).</summary>
    internal static string? LastBoxed(string text)
    {
        var searchFrom = text.Length;
        while (searchFrom > 0)
        {
            var boxed = text.LastIndexOf(@"\boxed", searchFrom - 1, StringComparison.Ordinal);
            var fbox = text.LastIndexOf(@"\fbox", searchFrom - 1, StringComparison.Ordinal);
            var at = Math.Max(boxed, fbox);
            if (at < 0) return null;
            var nameEnd = at + (at == boxed ? 6 : 5);
            var pos = nameEnd;
            while (pos < text.Length && text[pos] == ' ') pos++;
            if (pos < text.Length && text[pos] == '{')
            {
                if (MatchingBrace(text, pos) is { } close) return text[(pos + 1)..close];
            }
            else if (pos > nameEnd)
            {
                // "\boxed 5": TeX takes the next token as the argument.
                var end = pos;
                while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '$') end++;
                if (end > pos) return text[pos..end];
            }
            searchFrom = at;
        }
        return null;
    }

    /// <summary>Index of the '}' matching the '{' at <paramref name="open"/>, skipping escaped braces; null if unbalanced.</summary>
    internal static int? MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == '{') depth++;
            else if (text[i] == '}' && --depth == 0) return i;
        }
        return null;
    }

    /// <summary>The text after the last answer phrase (whichever phrase ends last wins).</summary>
    private static string? LastPhrase(string text)
    {
        Match? best = null;
        foreach (Match m in AnswerPhrasePattern().Matches(text))
            if (best is null || m.Index + m.Length >= best.Index + best.Length) best = m;
        if (best is null) return null;
        var rest = text[(best.Index + best.Length)..];
        return FirstLine(rest).Trim().Length > 0 ? rest : null;
    }

    private static string FirstLine(string text)
    {
        var trimmed = text.TrimStart(' ', '\t', '*', ':');
        var newline = trimmed.IndexOf('\n');
        // "Final answer:\n\n42": the answer may sit on the next non-empty line.
        if (newline == 0) trimmed = trimmed.TrimStart();
        newline = trimmed.IndexOf('\n');
        return newline < 0 ? trimmed : trimmed[..newline];
    }

    /// <summary>
    /// Cuts a phrase's tail at the end of the sentence: a period before whitespace, ", word", ";", or a bracket that
    /// closes one opened before the answer ("(so x = 5)", "\(x = 2\sqrt{3}\) is the side").
    /// </summary>
    private static string CutSentence(string rest)
    {
        var line = FirstLine(rest);
        var depth = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is '{' or '(' or '[') depth++;
            // An unmatched "\)" closes a math span opened before the answer: cut before its backslash too.
            else if (c is '}' or ')' or ']' && --depth < 0) return line[..(i > 0 && line[i - 1] == '\\' ? i - 1 : i)];
            else if (c == '$' && line.IndexOf('$', i + 1) is var close && close > i)
            {
                // A math span is kept whole: "$x = 1, 2$" must not be cut at its comma.
                i = close;
                continue;
            }
            if (depth > 0) continue;
            if (c == '.' && (i + 1 == line.Length || char.IsWhiteSpace(line[i + 1]))) return line[..i];
            if (c == ',' && ProseAfterComma().IsMatch(line[(i + 1)..])) return line[..i];
            if (c == ';') return line[..i];
        }
        return line;
    }

    /// <summary>The content of a math span the text ends with, e.g. "so $x=\frac12$".</summary>
    private static string? TrailingMath(string text)
    {
        foreach (var (open, close) in MathDelimiters)
        {
            if (!text.EndsWith(close, StringComparison.Ordinal) || text.Length < open.Length + close.Length) continue;
            var start = text.LastIndexOf(open, text.Length - close.Length - 1, StringComparison.Ordinal);
            if (start < 0) continue;
            var content = text[(start + open.Length)..^close.Length];
            if (content.Trim().Length > 0) return content;
        }
        return null;
    }

    private static readonly (string Open, string Close)[] MathDelimiters =
        [("$$", "$$"), (@"\[", @"\]"), (@"\(", @"\)"), ("$", "$")];

    /// <summary>
    /// One short line without prose (at most one plain word, and no "so", "hence", …): "\frac12", "x = 5", "Monday",
    /// "(1, 2]"; not "so 2x = 10, hence x = 5", which is a derivation for <see cref="FinalStatement"/>.
    /// </summary>
    private static bool LooksLikeBareAnswer(string text) =>
        text.Length <= 200 && !text.Contains('\n') && !HasProse(text) && !Connective().IsMatch(text);

    private static bool HasProse(string text) => ProseWords().IsMatch(TextCommand().Replace(text, ""));

    /// <summary>The value of the last "x = …" statement when no number follows it (see the class comment), else null.</summary>
    private static string? FinalStatement(string text)
    {
        var statements = StatementPattern().Matches(text);
        if (statements.Count == 0) return null;
        var rest = text[(statements[^1].Index + statements[^1].Length)..];
        var sentence = CutSentence(rest);
        var after = rest[(rest.IndexOf(sentence, StringComparison.Ordinal) + sentence.Length)..];
        if (NumberPattern().IsMatch(after)) return null;
        // "x = 10/2 = 5": the statement's value is its last.
        var value = sentence[(sentence.LastIndexOf('=') + 1)..].Trim();
        return value.Length == 0 || HasProse(value) ? null : value;
    }

    // "final answer[ is|:]", "answer is", "Answer:" — a bare "answer" in prose ("to answer this") is not a marker.
    [GeneratedRegex(@"(?:final\s+answer\s*(?:\*\*)?\s*(?:is\b|[:=])?|\banswer\s+is\b|\banswer\s*(?:\*\*)?\s*:)\s*(?:\*\*)?\s*:?", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerPhrasePattern();

    // Numbers: 1,234.5 | 12 | 3.5 | .5 | 3/4, with a minus sign that is not a subtraction ("5-3" gives 3).
    [GeneratedRegex(@"(?:(?<![\w)\]}])-)?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:/\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^\s+(?:and|but|so|which|because|since|as|then|where|while|that|this|it|we|i|for|not)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ProseAfterComma();

    [GeneratedRegex(@"(?<![\\A-Za-z])[A-Za-z]{2,}\s+[A-Za-z]{2,}")]
    private static partial Regex ProseWords();

    [GeneratedRegex(@"\\[A-Za-z]+")]
    private static partial Regex TextCommand();

    // Words that join the steps of a derivation; a response that is itself an answer has none.
    [GeneratedRegex(@"\b(?:so|hence|thus|therefore|then)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Connective();

    // "x =", "y=", "a_1 =", "x_{12} =": one variable, not part of a word, a command, a product ("2x"), a power, a
    // subscript or a brace group; "==", "=>" are not statements.
    [GeneratedRegex(@"(?<![\w\\^_{}.'])[A-Za-z](?:_\{?\w+\}?)?\s*=(?![=>])")]
    private static partial Regex StatementPattern();
}
