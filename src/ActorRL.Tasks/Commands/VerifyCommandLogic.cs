using ActorRL.Tasks.MathAnswers;

namespace ActorRL.Tasks.Commands;

/// <summary>The logic of <c>actorrl verify --gold G --response R</c>.</summary>
public static class VerifyCommandLogic
{
    /// <summary>
    /// Prints the gold answer, the answer extracted from the response (and the rule that found it) and the
    /// verdict. Returns 0 when the response is correct, 1 when it is wrong.
    /// </summary>
    public static int Verify(string gold, string response, TextWriter output, double tolerance = MathEquivalence.DefaultTolerance)
    {
        var check = new MathAnswerChecker(tolerance).Check(gold, response);
        output.WriteLine($"gold:      {check.GoldAnswer}");
        output.WriteLine(check.Extracted is null
            ? "extracted: (no answer found)"
            : $"extracted: {check.Extracted}  [{SourceName(check.Source)}]");
        output.WriteLine($"verdict:   {(check.Correct ? "correct" : "wrong")}");
        return check.Correct ? 0 : 1;
    }

    internal static string SourceName(AnswerSource source) => source switch
    {
        AnswerSource.Boxed => "boxed",
        AnswerSource.Hashes => "####",
        AnswerSource.Phrase => "answer phrase",
        AnswerSource.TrailingMath => "trailing math",
        AnswerSource.Bare => "whole response",
        AnswerSource.FinalStatement => "final statement",
        AnswerSource.LastNumber => "last number",
        _ => "none",
    };
}
