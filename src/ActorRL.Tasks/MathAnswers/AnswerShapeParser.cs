using System.Text.RegularExpressions;

namespace ActorRL.Tasks.MathAnswers;

/// <summary>
/// Turns a normalized answer (see <see cref="LatexNormalizer"/>) into an <see cref="AnswerShape"/>: unions of
/// intervals, sets, tuples and intervals, lists, ± pairs, equations, words, and single expressions.
/// </summary>
public static partial class AnswerShapeParser
{
    /// <summary>The shape of <paramref name="answer"/> (already normalized), or null when it is empty.</summary>
    public static AnswerShape? Parse(string answer, CancellationToken cancellation = default) =>
        answer.Trim().Length == 0 ? null : ParseShape(answer.Trim(), 0, cancellation);

    private const int MaxNesting = 16;

    private static AnswerShape ParseShape(string s, int nesting, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (nesting > MaxNesting) return new UnparsedAnswer(s);
        s = LatexNormalizer.StripVariableLeftSide(s);

        var unionParts = SplitTopLevel(s, [@"\cup", " U "]);
        if (unionParts.Count > 1) return new UnionAnswer(unionParts.Select(p => ParseShape(p, nesting + 1, cancellation)).ToList());

        if (s.StartsWith(@"\{", StringComparison.Ordinal) && s.EndsWith(@"\}", StringComparison.Ordinal) && s.Length >= 4
            && ClosingOf(s, 0) == s.Length - 2)
            return Collapse(new SetAnswer(Items(s[2..^2], nesting, cancellation)));

        if (s.Length >= 2 && s[0] is '(' or '[' && s[^1] is ')' or ']' && ClosingOf(s, 0) == s.Length - 1)
        {
            var items = Items(s[1..^1], nesting, cancellation);
            // "(5)" is just 5; "(1, 2]" and "(1, 2)" differ by their brackets.
            if (items.Count == 1 && s[0] == '(' && s[^1] == ')') return items[0];
            return new BracketedAnswer(s[0], s[^1], items);
        }

        var list = SplitTopLevel(s, [",", ";", " and ", " or "]);
        if (list.Count > 1) return Collapse(new SetAnswer(list.Select(p => ParseShape(p, nesting + 1, cancellation)).ToList()));

        var pm = s.IndexOf(@"\pm", StringComparison.Ordinal);
        if (pm >= 0 && s.IndexOf(@"\pm", pm + 3, StringComparison.Ordinal) < 0)
        {
            var plus = s[..pm] + (pm == 0 ? "" : "+") + s[(pm + 3)..];
            var minus = s[..pm] + "-" + s[(pm + 3)..];
            return Collapse(new SetAnswer([ParseShape(plus, nesting + 1, cancellation), ParseShape(minus, nesting + 1, cancellation)]));
        }

        return ParseElement(s, cancellation);
    }

    private static List<AnswerShape> Items(string inner, int nesting, CancellationToken cancellation) =>
        SplitTopLevel(inner, [","]).Select(p => ParseShape(p, nesting + 1, cancellation)).ToList();

    private static AnswerShape Collapse(SetAnswer set) => set.Items.Count == 1 ? set.Items[0] : set;

    private static AnswerShape ParseElement(string s, CancellationToken cancellation)
    {
        s = LatexNormalizer.DropUnits(LatexNormalizer.StripVariableLeftSide(s.Trim()));
        if (s.Length == 0) return new UnparsedAnswer(s);

        if (WordAnswer().IsMatch(s) && !IsMathWord(s)) return new TextAnswer(Regex.Replace(s.Trim(), @"\s+", " ").ToLowerInvariant());

        var equals = s.IndexOf('=');
        if (equals > 0 && s.IndexOf('=', equals + 1) < 0)
        {
            var left = MathExpressionParser.TryParse(s[..equals], cancellation);
            var right = MathExpressionParser.TryParse(s[(equals + 1)..], cancellation);
            return left is not null && right is not null ? new EquationAnswer(left, right) : new UnparsedAnswer(s);
        }

        var percent = s.EndsWith('%');
        var body = percent ? s[..^1] : s;
        var node = MathExpressionParser.TryParse(body, cancellation);
        return node is null ? new UnparsedAnswer(s) : new ScalarAnswer(node, percent);
    }

    /// <summary>A word that is really mathematics: one letter (a variable), or a constant or function name.</summary>
    private static bool IsMathWord(string s) =>
        s.Length == 1 || s.ToLowerInvariant() is "pi" or "inf" or "infinity";

    /// <summary>Splits at separators that are not inside any brackets (including <c>\{ \}</c>).</summary>
    internal static List<string> SplitTopLevel(string s, string[] separators)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\' && i + 1 < s.Length && s[i + 1] is '{' or '}')
            {
                depth += s[i + 1] == '{' ? 1 : -1;
                i++;
                continue;
            }
            if (c is '(' or '[' or '{') { depth++; continue; }
            if (c is ')' or ']' or '}') { depth--; continue; }
            if (depth != 0) continue;
            foreach (var separator in separators)
            {
                if (string.CompareOrdinal(s, i, separator, 0, separator.Length) != 0) continue;
                parts.Add(s[start..i].Trim());
                start = i + separator.Length;
                i = start - 1;
                break;
            }
        }
        parts.Add(s[start..].Trim());
        return parts.Where(p => p.Length > 0).ToList() is { Count: > 0 } nonEmpty ? nonEmpty : [s];
    }

    /// <summary>
    /// Index of the bracket closing the one at <paramref name="open"/>: any of ( [ and \{ opens, any of ) ] and \}
    /// closes (intervals mix them: "[1, 2)"). Null when unbalanced.
    /// </summary>
    private static int? ClosingOf(string s, int open)
    {
        var depth = 0;
        for (var i = open; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\' && i + 1 < s.Length && s[i + 1] is '{' or '}')
            {
                depth += s[i + 1] == '{' ? 1 : -1;
                if (depth == 0) return i;
                i++;
                continue;
            }
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}' && --depth == 0) return i;
        }
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z '\-]*$")]
    private static partial Regex WordAnswer();
}
