using System.Text;
using System.Text.RegularExpressions;

namespace ActorRL.Tasks.MathAnswers;

/// <summary>
/// Rewrites an extracted answer into the plain form the shape and expression parsers read: math delimiters,
/// sizing commands (<c>\left</c>, <c>\right</c>), spacing commands, degrees and currency ($, €, £, ¥, ₹) removed;
/// <c>\dfrac</c> and <c>\tfrac</c> become <c>\frac</c>; a trailing <c>\text{unit}</c> or <c>\mbox{unit}</c> after a
/// value dropped, any other <c>\text{...}</c> unwrapped; percent written as a trailing <c>%</c>; a lone "x =" on the
/// left dropped; unit words after a number dropped; thousands separators removed.
/// Pure string rewriting — no evaluation.
/// </summary>
public static partial class LatexNormalizer
{
    public static string Normalize(string answer)
    {
        var s = answer.Trim();
        if (AnswerExtractor.LastBoxed(s) is { } boxed) s = boxed;

        foreach (var (from, to) in Replacements) s = s.Replace(from, to, StringComparison.Ordinal);
        s = DropTrailingTextUnit(s);
        s = UnwrapTextCommands(s);
        s = SizingCommand().Replace(s, "");
        s = LeftDot().Replace(s, "");
        s = PercentWord().Replace(s, "%");
        s = DegreeMarks().Replace(s, "");
        s = Whitespace().Replace(s, " ").Trim();
        s = s.TrimEnd('.', ' ').TrimStart(':', ' ');

        if (!s.Contains(',')) s = StripVariableLeftSide(s);
        s = DropUnits(s);
        if (ThousandsSeparated().IsMatch(s)) s = s.Replace(",", "", StringComparison.Ordinal);
        return s.Trim();
    }

    /// <summary>"x = 5" → "5", "y = 2x+3" → "2x+3", "x \in [2, 5)" → "[2, 5)" (one identifier left of the only '=' or \in).</summary>
    internal static string StripVariableLeftSide(string s) =>
        SingleVariableLeftSide().Match(s) is { Success: true } lhs && s.IndexOf('=', lhs.Length) < 0 ? s[lhs.Length..].Trim() : s;

    /// <summary>"18 dollars" → "18", "5 cm^2" → "5", "10km" → "10"; "2 pi" and "3x" are left alone.</summary>
    internal static string DropUnits(string s)
    {
        var units = NumberWithUnits().Match(s);
        if (!units.Success) return s;
        var word = (units.Groups[2].Success ? units.Groups[2].Value : units.Groups[3].Value).ToLowerInvariant();
        return KnownWords.Contains(word) ? s : units.Groups[1].Value;
    }

    /// <summary>
    /// "18\text{ m}" → "18", "2\pi \text{ cm}^2" → "2\pi", "\frac12\mbox{ cup}" → "\frac12": a <c>\text{}</c> or
    /// <c>\mbox{}</c> of words that ends the answer is its unit when a value (a digit or π) stands before it — as in the
    /// Qwen2.5-Math evaluator, which drops a trailing <c>\text{...}</c> when something is left. This catches the
    /// one-letter units ("m", "g", "s") that <see cref="DropUnits"/> must leave alone in plain text ("5 m" may be 5m).
    /// A text-only answer ("\text{Monday}", "\text{Monday}\text{ morning}") has no value before it and is kept; a
    /// <c>\text{}</c> between values ("3 \text{ or } 4") does not end the answer and is kept.
    /// </summary>
    internal static string DropTrailingTextUnit(string s) =>
        TrailingTextUnit().Match(s) is { Success: true } unit && ValueBeforeUnit().IsMatch(unit.Groups["value"].Value)
            ? unit.Groups["value"].Value
            : s;

    /// <summary>
    /// Words that are not units when they follow a number: mathematics ("2 pi", "3 sqrt(2)"), and the words that join
    /// the items of a list ("3 or 4" is two answers, and must not shrink to a 3 that matches a gold 3).
    /// </summary>
    private static readonly HashSet<string> KnownWords = ["pi", "sqrt", "sin", "cos", "tan", "ln", "log", "exp", "infty", "or", "and"];

    private static readonly (string From, string To)[] Replacements =
    [
        ("$$", ""), (@"\(", ""), (@"\)", ""), (@"\[", ""), (@"\]", ""), (@"\$", ""), ("$", ""),
        (@"\displaystyle", ""), (@"\dfrac", @"\frac"), (@"\tfrac", @"\frac"),
        (@"\!", ""), (@"\,", ""), (@"\;", ""), (@"\:", ""), (@"\ ", " "), ("~", " "), ("{,}", ""),
        (@"\cdot", "*"), (@"\times", "*"), (@"\ast", "*"), (@"\div", "/"),
        (@"\%", "%"), ("€", ""), ("£", ""), ("¥", ""), ("₹", ""), (@"\euro", ""), (@"\pounds", ""),
        ("−", "-"), ("–", "-"), ("×", "*"), ("·", "*"), ("÷", "/"), ("π", @"\pi "), ("√", @"\sqrt"), ("∞", @"\infty "),
        ("∪", @"\cup "), ("±", @"\pm "), (@"\lbrace", @"\{"), (@"\rbrace", @"\}"), (@"\lvert", "|"), (@"\rvert", "|"),
    ];

    /// <summary><c>\text{abc}</c>, <c>\mathrm{abc}</c>, … become their content (balanced braces).</summary>
    private static string UnwrapTextCommands(string s)
    {
        var match = TextCommandOpen().Match(s);
        while (match.Success)
        {
            var open = match.Index + match.Length - 1;
            if (AnswerExtractor.MatchingBrace(s, open) is not { } close) break;
            var content = s[(open + 1)..close];
            var sb = new StringBuilder(s.Length);
            sb.Append(s, 0, match.Index).Append(' ').Append(content).Append(' ').Append(s, close + 1, s.Length - close - 1);
            s = sb.ToString();
            match = TextCommandOpen().Match(s);
        }
        return s;
    }

    [GeneratedRegex(@"\\(?:text|textbf|textit|textrm|textnormal|mathrm|mathbf|mathit|mathsf|mbox|operatorname|boldsymbol)\s*\{")]
    private static partial Regex TextCommandOpen();

    // "<value> \text{ cm}^2": words (with spaces, dots, slashes: "sq. ft", "km/h") in the last group, an optional
    // one-digit power after it.
    [GeneratedRegex(@"^(?<value>.*?\S)\s*\\(?:text|textrm|textnormal|mbox)\s*\{\s*[A-Za-z][A-Za-z ./]*\}\s*(?:\^\s*(?:\d|\{\s*\d\s*\}))?\s*$", RegexOptions.Singleline)]
    private static partial Regex TrailingTextUnit();

    [GeneratedRegex(@"\d|\\pi(?![A-Za-z])")]
    private static partial Regex ValueBeforeUnit();

    [GeneratedRegex(@"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![A-Za-z])")]
    private static partial Regex SizingCommand();

    // "\left." / "\right." are invisible delimiters; after the sizing command is removed a lone "." may remain before "\{".
    [GeneratedRegex(@"^\.(?=\\\{)")]
    private static partial Regex LeftDot();

    [GeneratedRegex(@"\s*\bpercent\b", RegexOptions.IgnoreCase)]
    private static partial Regex PercentWord();

    [GeneratedRegex(@"\^\s*\{?\s*\\circ\s*\}?|°|\\circ\b|\\degree\b|\s*\bdegrees?\b", RegexOptions.IgnoreCase)]
    private static partial Regex DegreeMarks();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    // "x = 5", "y=2x+3", "a_1 = 4", "x \in (0, 1)": one identifier on the left of the only '=' (or of \in).
    [GeneratedRegex(@"^[A-Za-z](?:_\{?\w+\}?)?\s*(?:=|\\in(?![A-Za-z]))\s*")]
    private static partial Regex SingleVariableLeftSide();

    // "18 dollars", "5 cm^2", "42apples": a number, then a word (two letters after a space, three without: "3xy" is algebra).
    [GeneratedRegex(@"^(-?(?:\d[\d,]*(?:\.\d+)?|\.\d+)%?)(?:\s+([A-Za-z]{2,})|([A-Za-z]{3,}))\b.*$")]
    private static partial Regex NumberWithUnits();

    [GeneratedRegex(@"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$")]
    private static partial Regex ThousandsSeparated();
}
