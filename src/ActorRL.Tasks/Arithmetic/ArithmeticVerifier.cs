using System.Numerics;
using System.Text.RegularExpressions;

namespace ActorRL.Tasks.Arithmetic;

/// <summary>
/// Judges arithmetic responses: the answer is the integer on the last "Answer:" line and must equal the gold
/// answer exactly. A response is well formatted when it has exactly one "Answer:" and ends right after its
/// number — the format the demonstrations teach. There is deliberately no last-number fallback: a tiny policy
/// must not be rewarded for stumbling on the right digits without the answer line.
/// </summary>
public sealed partial class ArithmeticVerifier : IAnswerVerifier
{
    public Verdict Verify(string gold, string response, CancellationToken cancellation = default)
    {
        var answers = AnswerLine().Matches(response);
        if (answers.Count == 0) return Verdict.NoAnswer;
        var last = answers[^1];
        var extracted = last.Groups[1].Value;
        var correct = BigInteger.TryParse(extracted, out var value) && BigInteger.TryParse(gold.Trim(), out var expected) && value == expected;
        var formatted = answers.Count == 1 && response.TrimEnd().Length == last.Index + last.Length;
        return new Verdict(correct, formatted, extracted);
    }

    [GeneratedRegex(@"Answer:\s*(-?\d+)")]
    private static partial Regex AnswerLine();
}
