namespace ActorRL.Tasks.MathAnswers;

/// <summary>The outcome of checking one response against one gold answer.</summary>
/// <param name="Correct">The extracted answer equals the gold answer.</param>
/// <param name="Extracted">The answer found in the response (null when none was found).</param>
/// <param name="Source">The rule that found it.</param>
/// <param name="GoldAnswer">The gold answer after extraction (after GSM8K's ####, inside MATH's \boxed{}).</param>
public sealed record MathCheck(bool Correct, string? Extracted, AnswerSource Source, string GoldAnswer);

/// <summary>
/// The math answer checker: extracts the final answer from a free-text response (<see cref="AnswerExtractor"/>)
/// and compares it with the gold answer mathematically (<see cref="MathEquivalence"/>). An empty or unparsable
/// answer is a wrong answer, never an error.
/// </summary>
public sealed class MathAnswerChecker(double tolerance = MathEquivalence.DefaultTolerance)
{
    private readonly MathEquivalence _equivalence = new(tolerance);

    public double Tolerance => _equivalence.Tolerance;

    public MathCheck Check(string gold, string response, CancellationToken cancellation = default)
    {
        var goldAnswer = AnswerExtractor.FromGold(gold);
        var extracted = AnswerExtractor.FromResponse(response);
        if (extracted is null) return new MathCheck(false, null, AnswerSource.None, goldAnswer);
        var correct = _equivalence.AreEquivalent(goldAnswer, extracted.Text, cancellation);
        return new MathCheck(correct, extracted.Text, extracted.Source, goldAnswer);
    }
}
