namespace ActorRL.Tasks.MathAnswers;

/// <summary>
/// The verifier of math datasets (JSONL tasks): correct per <see cref="MathAnswerChecker"/>; well formatted when
/// the response marks its answer explicitly (<c>\boxed{}</c>, <c>####</c> or an answer phrase) rather than
/// leaving the checker to guess from its last number.
/// </summary>
public sealed class MathVerifier(double tolerance = MathEquivalence.DefaultTolerance) : IAnswerVerifier
{
    private readonly MathAnswerChecker _checker = new(tolerance);

    public Verdict Verify(string gold, string response, CancellationToken cancellation = default)
    {
        var check = _checker.Check(gold, response, cancellation);
        var formatted = check.Source is AnswerSource.Boxed or AnswerSource.Hashes or AnswerSource.Phrase;
        return new Verdict(check.Correct, formatted, check.Extracted);
    }
}
