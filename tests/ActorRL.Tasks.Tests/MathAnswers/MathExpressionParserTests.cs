using ActorRL.Tasks.MathAnswers;

namespace ActorRL.Tasks.Tests.MathAnswers;

public class MathExpressionParserTests
{
    [Theory]
    [InlineData(@"\frac34", "3/4")]
    [InlineData(@"\frac{-1}{2}", "-1/2")]
    [InlineData(@"2\frac{1}{2}", "5/2")] // a mixed number
    [InlineData(@"2\cdot\frac{1}{2}", "1")] // an explicit product is not
    [InlineData(@"\sqrt{16}", "4")]
    [InlineData(@"\sqrt[3]{-27}", "-3")]
    [InlineData("2^10", "1024")]
    [InlineData("-2^2", "-4")]
    [InlineData("2^-1", "1/2")]
    [InlineData("5!", "120")]
    [InlineData("|3-5|", "2")]
    [InlineData(".5+1.25", "7/4")]
    [InlineData("(1+2)(3+4)", "21")]
    [InlineData("8^{2/3}", "4")]
    public void Evaluates_exactly_where_arithmetic_allows(string text, string exact)
    {
        var node = MathExpressionParser.TryParse(text);
        Assert.NotNull(node);
        Assert.Equal(exact, MathEvaluator.Evaluate(node).Exact?.ToString());
    }

    [Theory]
    [InlineData("2x", "x")]
    [InlineData(@"2\pi r", "r")]
    [InlineData("xy + x_1", "x,x_1,y")]
    [InlineData(@"\theta^2", "theta")]
    [InlineData(@"\sin(x) + \pi", "x")]
    public void Finds_free_variables(string text, string variables) =>
        Assert.Equal(variables, string.Join(",", MathEvaluator.Variables(MathExpressionParser.TryParse(text)!)));

    [Theory]
    [InlineData("")]
    [InlineData("2 3")]
    [InlineData("1+")]
    [InlineData("(1+2")]
    [InlineData(@"\frac{1}")]
    [InlineData(@"1 \cup 2")]
    [InlineData("1 = 2")]
    public void Rejects_what_is_not_one_expression(string text) => Assert.Null(MathExpressionParser.TryParse(text));

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        Assert.Null(MathExpressionParser.TryParse(new string('(', 1000) + "1" + new string(')', 1000)));
        Assert.NotNull(MathExpressionParser.TryParse(new string('(', 20) + "1" + new string(')', 20)));
    }

    [Fact]
    public void Undefined_operations_give_an_undefined_value_not_an_exception()
    {
        Assert.False(MathEvaluator.Evaluate(MathExpressionParser.TryParse("1/0")!).IsDefined);
        Assert.False(MathEvaluator.Evaluate(MathExpressionParser.TryParse(@"\sqrt{-4}")!).IsDefined);
        Assert.False(MathEvaluator.Evaluate(MathExpressionParser.TryParse("(-1)!")!).IsDefined);
    }
}
