using ActorRL.Tasks.MathAnswers;

namespace ActorRL.Tasks.Tests.MathAnswers;

public class LatexNormalizerTests
{
    [Theory]
    [InlineData(@"18 \text{ dollars}", "18")]
    [InlineData(@"18\text{ cm}^2", "18")]
    [InlineData(@"18 \mbox{ m}", "18")]
    [InlineData(@"3\ \text{hours}", "3")]
    [InlineData(@"18 \text{ km/h}", "18")]
    [InlineData(@"2\pi \text{ cm}^{2}", @"2\pi")]
    [InlineData(@"\frac{1}{2} \text{ cup}", @"\frac{1}{2}")]
    [InlineData(@"\$18", "18")]
    [InlineData("€18", "18")]
    [InlineData("18 £", "18")]
    [InlineData(@"\text{18}", "18")]
    [InlineData(@"\textbf{18}", "18")]
    public void A_unit_or_currency_beside_a_value_is_dropped(string answer, string expected) =>
        Assert.Equal(expected, LatexNormalizer.Normalize(answer));

    [Theory]
    [InlineData(@"\text{Monday}", "Monday")]
    [InlineData(@"\text{Monday}\text{ morning}", "Monday morning")]
    [InlineData(@"3 \text{ or } 4", "3 or 4")]
    [InlineData(@"x=3 \text{ or } x=-2", "x=3 or x=-2")]
    [InlineData(@"2\mathrm{e}", "2 e")]
    public void Text_that_is_the_answer_or_joins_values_is_kept(string answer, string expected) =>
        Assert.Equal(expected, LatexNormalizer.Normalize(answer));
}
