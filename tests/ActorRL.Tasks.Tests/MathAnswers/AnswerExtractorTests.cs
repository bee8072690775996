using ActorRL.Tasks.MathAnswers;

namespace ActorRL.Tasks.Tests.MathAnswers;

public class AnswerExtractorTests
{
    [Theory]
    [InlineData("Natalia sold 48+24 = <<48+24=72>>72 clips.\n#### 72", "72")]
    [InlineData(@"So the sum is $\boxed{\frac{3}{4}}$.", @"\frac{3}{4}")]
    [InlineData(@"\frac{1}{2}", @"\frac{1}{2}")]
    public void Gold_comes_from_hashes_or_boxed_or_the_whole_text(string gold, string expected) =>
        Assert.Equal(expected, AnswerExtractor.FromGold(gold));

    [Theory]
    [InlineData(@"\boxed{\frac{1}{\sqrt{2}}}", @"\frac{1}{\sqrt{2}}", AnswerSource.Boxed)]
    [InlineData(@"first \boxed{1} then \boxed{2}", "2", AnswerSource.Boxed)]
    [InlineData(@"\fbox{7}", "7", AnswerSource.Boxed)]
    [InlineData(@"\boxed 7", "7", AnswerSource.Boxed)]
    [InlineData("#### 1,234\n", "1,234", AnswerSource.Hashes)]
    [InlineData("The answer is 3.5. Next question.", "3.5", AnswerSource.Phrase)]
    [InlineData("The answer is 42, which is even.", "42", AnswerSource.Phrase)]
    [InlineData("To answer this we add 2 and 3 to get 5", "5", AnswerSource.LastNumber)]
    [InlineData("Final answer:\n\n12", "12", AnswerSource.Phrase)]
    [InlineData(@"so we get $x = 1, 2$", "x = 1, 2", AnswerSource.TrailingMath)]
    [InlineData(@"(1, 2]", "(1, 2]", AnswerSource.Bare)]
    [InlineData("We have 5 - 3 = 2, and so the result is 5-2", "2", AnswerSource.LastNumber)]
    public void Finds_the_final_answer(string response, string expected, AnswerSource source)
    {
        var answer = AnswerExtractor.FromResponse(response);
        Assert.NotNull(answer);
        Assert.Equal((expected, source), (answer.Text, answer.Source));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("no numbers here at all")]
    public void Nothing_to_find_is_null(string response) => Assert.Null(AnswerExtractor.FromResponse(response));
}
