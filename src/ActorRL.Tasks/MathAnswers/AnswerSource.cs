namespace ActorRL.Tasks.MathAnswers;

/// <summary>Which rule found the final answer in a response (the first that applies, in this order).</summary>
public enum AnswerSource
{
    /// <summary>No answer could be found.</summary>
    None,
    /// <summary>The last balanced <c>\boxed{...}</c> (or <c>\fbox{...}</c>).</summary>
    Boxed,
    /// <summary>GSM8K's <c>#### x</c>.</summary>
    Hashes,
    /// <summary>The last phrase "final answer: x", "the answer is x" or "Answer: x".</summary>
    Phrase,
    /// <summary>A response that ends in a LaTeX math span (<c>$...$</c>, <c>\(...\)</c>, <c>\[...\]</c>, <c>$$...$$</c>).</summary>
    TrailingMath,
    /// <summary>A response that is itself a bare answer (one line, no prose).</summary>
    Bare,
    /// <summary>The value of a final "x = …" statement that no number follows (widens the last number to its whole value).</summary>
    FinalStatement,
    /// <summary>The last number in the text (fallback).</summary>
    LastNumber,
}

/// <summary>An answer found in a response and the rule that found it.</summary>
public sealed record ExtractedAnswer(string Text, AnswerSource Source)
{
    /// <summary>True when the response marked its answer explicitly (boxed, ####, or an answer phrase).</summary>
    public bool IsExplicit => Source is AnswerSource.Boxed or AnswerSource.Hashes or AnswerSource.Phrase;
}
