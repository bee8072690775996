using System.Text.RegularExpressions;
using ActorRL.Tasks.MathAnswers;
using ActorRL.Tasks.Numerics;

namespace ActorRL.Tasks.Countdown;

/// <summary>Why a countdown answer was accepted or rejected.</summary>
public enum CountdownOutcome
{
    Correct,
    /// <summary>No "Answer:", <c>&lt;answer&gt;</c> or <c>\boxed{}</c> expression found.</summary>
    NoAnswer,
    /// <summary>The answer is not a well-formed expression of integers, + − × ÷ and parentheses.</summary>
    Unparsable,
    /// <summary>It uses a number that was not given.</summary>
    UnknownNumber,
    /// <summary>It uses a given number more often than it was given.</summary>
    NumberReused,
    /// <summary>It leaves a given number unused while the rules require all of them.</summary>
    NumberUnused,
    /// <summary>It divides by zero, or (when fractions are not allowed) divides inexactly.</summary>
    BadDivision,
    /// <summary>It is valid but its value is not the target.</summary>
    WrongValue,
}

/// <summary>
/// Judges countdown responses. The answer is the expression after the last "Answer:" (or inside the last
/// <c>&lt;answer&gt;…&lt;/answer&gt;</c> or <c>\boxed{}</c>); a trailing "= 75" is ignored. It is parsed by our own
/// <see cref="CountdownExpressionParser"/> and evaluated in exact rational arithmetic. Every number must be one
/// of the given numbers, each used at most as often as given (all of them when <c>use-all</c>); division must be
/// exact unless <c>allow-fractions</c>; the value must equal the target. A well-formed, parsable answer counts as
/// formatted even when wrong.
/// </summary>
public sealed partial class CountdownVerifier(bool useAll, bool allowFractions) : IAnswerVerifier
{
    public Verdict Verify(string gold, string response, CancellationToken cancellation = default)
    {
        var (outcome, expression) = Check(CountdownProblem.ParseGold(gold), response);
        return new Verdict(outcome == CountdownOutcome.Correct, outcome is not (CountdownOutcome.NoAnswer or CountdownOutcome.Unparsable), expression);
    }

    /// <summary>The detailed outcome and the expression text that was judged.</summary>
    public (CountdownOutcome Outcome, string? Expression) Check(CountdownProblem problem, string response)
    {
        var expression = ExtractExpression(response);
        if (expression is null) return (CountdownOutcome.NoAnswer, null);
        var tree = CountdownExpressionParser.TryParse(expression);
        if (tree is null) return (CountdownOutcome.Unparsable, expression);

        var available = problem.Numbers.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        foreach (var number in Leaves(tree))
        {
            if (!available.TryGetValue(number, out var left)) return (CountdownOutcome.UnknownNumber, expression);
            if (left == 0) return (CountdownOutcome.NumberReused, expression);
            available[number] = left - 1;
        }
        if (useAll && available.Values.Any(left => left > 0)) return (CountdownOutcome.NumberUnused, expression);

        var value = Evaluate(tree);
        if (value is null) return (CountdownOutcome.BadDivision, expression);
        return (value == Rational.FromInteger(problem.Target) ? CountdownOutcome.Correct : CountdownOutcome.WrongValue, expression);
    }

    private static string? ExtractExpression(string response)
    {
        string? text = null;
        var tags = AnswerTag().Matches(response);
        var lines = AnswerLine().Matches(response);
        if (lines.Count > 0) text = lines[^1].Groups[1].Value;
        else if (tags.Count > 0) text = tags[^1].Groups[1].Value;
        else text = AnswerExtractor.LastBoxed(response);
        if (text is null) return null;
        var equals = text.IndexOf('=');
        if (equals >= 0) text = text[..equals];
        text = text.Trim().TrimEnd('.').Trim();
        return text.Length == 0 ? null : text;
    }

    private static IEnumerable<int> Leaves(CountdownNode node) => node switch
    {
        CountdownNumber n => [n.Value],
        CountdownOperation op => Leaves(op.Left).Concat(Leaves(op.Right)),
        _ => [],
    };

    /// <summary>The exact value, or null on division by zero or (unless fractions are allowed) inexact division.</summary>
    private Rational? Evaluate(CountdownNode node)
    {
        if (node is CountdownNumber n) return Rational.FromInteger(n.Value);
        var op = (CountdownOperation)node;
        if (Evaluate(op.Left) is not { } a || Evaluate(op.Right) is not { } b) return null;
        var value = CountdownOperation.Apply(op.Operator, a, b);
        if (value is null) return null;
        return op.Operator == '/' && !allowFractions && !value.Value.IsInteger ? null : value;
    }

    [GeneratedRegex(@"Answer:[ \t]*([^\n]*)")]
    private static partial Regex AnswerLine();

    [GeneratedRegex(@"<answer>(.*?)</answer>", RegexOptions.Singleline)]
    private static partial Regex AnswerTag();
}
