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
    [InlineData(@"The answer is \(x \in [2, 5)\).", @"\(x \in [2, 5)\)", AnswerSource.Phrase)]
    [InlineData("(The answer is 7)", "7", AnswerSource.Phrase)]
    public void Finds_the_final_answer(string response, string expected, AnswerSource source) =>
        AssertFinds(response, expected, source);

    [Theory]
    [InlineData("Subtracting 3 from both sides gives 2x = 10, hence x = 5.", "5")]
    [InlineData("so 2x = 10, hence x = 5.", "5")]
    [InlineData("Therefore, x = 5.", "5")]
    [InlineData("Solving both equations gives x = 5, y = 3.", "3")]
    [InlineData("Natalia sold 48/2 = 24 clips in May, so x = 72.", "72")]
    [InlineData(@"Dividing both sides by 4 gives x = \frac{1}{2}.", @"\frac{1}{2}")]
    [InlineData("Simplifying, we get x = 10/2 = 5.", "5")]
    [InlineData("Both boxes hold the same amount (x = 5).", "5")]
    [InlineData(@"Hence \(x = 2\sqrt{3}\) is the side length.", @"2\sqrt{3}")]
    [InlineData("The first term is a_1 = -4.", "-4")]
    [InlineData(@"So each box holds x = 5 \text{ apples}.", @"5 \text{ apples}")]
    public void A_final_statement_gives_its_whole_value(string response, string expected) =>
        AssertFinds(response, expected, AnswerSource.FinalStatement);

    [Theory]
    [InlineData("Let x = 5. Then 2x = 10, so the total is 10 dollars.", "10")] // a number after the statement
    [InlineData("We get x = 5 and the total is 10", "10")] // prose in the value
    [InlineData("We know 2x = 10 and so the total is 10", "10")] // "2x" is not one variable
    [InlineData("Natalia sold 48/2 = 24 clips in May.", "24")] // no variable on the left
    [InlineData("We check that x == 5 holds for 7", "7")] // "==" compares, it does not state
    public void A_statement_that_is_not_final_leaves_the_last_number(string response, string expected) =>
        AssertFinds(response, expected, AnswerSource.LastNumber);

    [Theory]
    [InlineData("x = 5, y = 3", "x = 5, y = 3")]
    [InlineData("x = 3 or x = -2", "x = 3 or x = -2")]
    public void A_response_that_is_itself_an_answer_stays_whole(string response, string expected) =>
        AssertFinds(response, expected, AnswerSource.Bare);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("no numbers here at all")]
    public void Nothing_to_find_is_null(string response) => Assert.Null(AnswerExtractor.FromResponse(response));

    private static void AssertFinds(string response, string expected, AnswerSource source)
    {
        var answer = AnswerExtractor.FromResponse(response);
        Assert.NotNull(answer);
        Assert.Equal((expected, source), (answer.Text, answer.Source));
    }
}
