using ActorRL.Tasks.MathAnswers;

namespace ActorRL.Tasks.Tests.MathAnswers;

/// <summary>
/// The checker against responses written the way models and datasets write them: GSM8K and MATH solutions,
/// boxed answers, LaTeX variants, separators, and wrong answers that look like right ones.
/// </summary>
public class MathAnswerCheckerTests
{
    private static readonly MathAnswerChecker Checker = new();

    public static TheoryData<string, string, bool> GsmStyle => new()
    {
        { "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72", "She sold 48 + 24 = 72 clips.\n#### 72", true },
        { "#### 72", "She sold 48 + 24 = 72 clips.\n#### 73", false },
        { "#### 18", "Janet sells 16 - 3 - 4 = 9 duck eggs a day.\nShe makes 9 * 2 = $18 every day at the farmer's market.", true },
        { "#### 18", "She makes 9 * 2 = $18 every day. So after 2 days she has $36.", false },
        { "#### 1234", "The total is 1,234.", true },
        { "#### 1,234", "#### 1234", true },
        { "#### 1000000", "So the answer is 1,000,001.", false },
        { "#### 1000000", "The answer is 1,000,000 dollars.", true },
        { "#### 5", "Final answer: 5", true },
        { "#### 5", "**Final Answer:** 5", true },
        { "#### 5", "The final answer is 5.", true },
        { "#### 5", "The answer is 5 apples.", true },
        { "#### 5", "The answer is: 6", false },
        { "#### 5", "Answer: 5", true },
        { "#### 0.5", "The answer is .5", true },
        { "#### 3.50", "Each costs $3.5.", true },
        { "#### 3.5", "The answer is 3.05", false },
        { "#### -3", "The temperature drops to -3 degrees.", true },
        { "#### 3", "5-3 = 2, so the difference is 5-2", false },
        { "#### 40", "I first thought the answer is 30, but recomputing, the answer is 40.", true },
        { "#### 40", "The answer is 40, not 30.", true },
        { "#### 25", "She spends 25% of her money.\n#### 25%", true },
        { "#### 7", "", false },
        { "#### 7", "I am not sure how to solve this.", false },
        { "#### 12", "There are 4 rows of 3 chairs, so 4 * 3 = 12 chairs in total.", true },
        { "#### 1200", "The answer is 1.2 thousand", false },
    };

    public static TheoryData<string, string, bool> MathStyle => new()
    {
        { @"We have $x = \frac{1}{2}$, so the answer is $\boxed{\frac{1}{2}}$.", @"Thus $x=\boxed{\dfrac{1}{2}}$.", true },
        { @"\frac{1}{2}", @"The answer is $\boxed{0.5}$", true },
        { @"\frac{1}{2}", @"The answer is $\boxed{\tfrac12}$", true },
        { @"\frac{3}{4}", @"$\boxed{\frac34}$", true },
        { @"\frac{3}{4}", @"$\boxed{3/4}$", true },
        { @"\frac{3}{4}", @"$\boxed{\frac43}$", false },
        { @"-\frac{1}{2}", @"$\boxed{\frac{-1}{2}}$", true },
        { @"-\frac{1}{2}", @"$\boxed{\frac{1}{-2}}$", true },
        { @"-\frac{1}{2}", @"$\boxed{-0.5}$", true },
        { @"-\frac{1}{2}", @"$\boxed{\frac{1}{2}}$", false },
        { @"\frac{1}{3}", @"$\boxed{0.333}$", false },
        { @"\frac{1}{3}", @"$\boxed{0.3333333}$", true },
        { @"\frac{1}{3}", @"$\boxed{\frac{2}{6}}$", true },
        { @"2\sqrt{3}", @"\boxed{\sqrt{12}}", true },
        { @"2\sqrt{3}", @"\boxed{2\sqrt3}", true },
        { @"2\sqrt{3}", @"\boxed{3\sqrt{2}}", false },
        { @"\sqrt{2}", @"\boxed{1.41421356}", true },
        { @"\sqrt{2}", @"\boxed{1.414}", false },
        { @"\frac{\sqrt{3}}{2}", @"\boxed{\frac{1}{2}\sqrt{3}}", true },
        { @"\frac{\sqrt{3}}{2}", @"\boxed{\frac{\sqrt{2}}{2}}", false },
        { @"\sqrt[3]{8}", @"\boxed{2}", true },
        { @"4\pi", @"The area is $\boxed{4\pi}$ square units.", true },
        { @"4\pi", @"\boxed{4 \pi}", true },
        { @"4\pi", @"\boxed{12.566370614}", true },
        { @"4\pi", @"\boxed{4}", false },
        { @"\pi", @"\boxed{\frac{22}{7}}", false },
        { @"28\%", @"\boxed{28}", true },
        { @"28\%", @"\boxed{28\%}", true },
        { @"28\%", @"The answer is 28 percent.", true },
        { @"28\%", @"\boxed{0.28}", true },
        { @"28\%", @"\boxed{29\%}", false },
        { @"30^\circ", @"\boxed{30}", true },
        { @"30^\circ", @"\boxed{30^{\circ}}", true },
        { @"30^\circ", @"The angle is 30°.", true },
        { @"30^\circ", @"\boxed{60^\circ}", false },
        { @"\left( 3, \frac{\pi}{2} \right)", @"\boxed{(3, \frac{\pi}{2})}", true },
        { @"\left( 3, \frac{\pi}{2} \right)", @"\boxed{\left(3,\dfrac{\pi}{2}\right)}", true },
        { @"\left( 3, \frac{\pi}{2} \right)", @"\boxed{(\frac{\pi}{2}, 3)}", false },
        { @"(1, -2)", @"The point is $(1,-2)$.", true },
        { @"(1, -2)", @"\boxed{(1,2)}", false },
        { @"(-\infty, 3]", @"\boxed{(-\infty,3]}", true },
        { @"(-\infty, 3]", @"\boxed{(-\infty, 3)}", false },
        { @"[2, 5)", @"\boxed{\left[2,5\right)}", true },
        { @"[2, 5)", @"\boxed{[2,5]}", false },
        { @"(-\infty, -1) \cup (1, \infty)", @"\boxed{(1,\infty)\cup(-\infty,-1)}", true },
        { @"(-\infty, -1) \cup (1, \infty)", @"\boxed{(-\infty,-1]\cup(1,\infty)}", false },
        { @"\{1, 2, 3\}", @"\boxed{\{3, 1, 2\}}", true },
        { @"\{1, 2, 3\}", @"\boxed{\{1, 2\}}", false },
        { @"1, 2, 3", @"\boxed{3, 2, 1}", true },
        { @"-2, 3", @"The solutions are $x = 3$ and $x = -2$, so the answer is $\boxed{x=3 \text{ or } x=-2}$", true },
        { @"\pm 2", @"\boxed{2, -2}", true },
        { @"\pm 2", @"\boxed{2}", false },
        { @"x^2+2x+1", @"\boxed{(x+1)^2}", true },
        { @"x^2+2x+1", @"\boxed{(x-1)^2}", false },
        { @"(x-1)(x+1)", @"\boxed{x^2-1}", true },
        { @"3x^2 - 2x + 1", @"\boxed{1 - 2x + 3x^2}", true },
        { @"3x^2 - 2x + 1", @"\boxed{3x^2 + 2x + 1}", false },
        { @"y = 2x + 3", @"\boxed{2x+3}", true },
        { @"x^2 + y^2 = 1", @"\boxed{y^2 + x^2 = 1}", true },
        { @"\frac{x+1}{x-1}", @"\boxed{\frac{x-1+2}{x-1}}", true },
        { @"5", @"\boxed{x = 5}", true },
        { @"5", @"\boxed{5.0}", true },
        { @"5", @"$\boxed{5}$ and $\boxed{6}$", false },
        { @"10", @"\boxed{2 \cdot 5}", true },
        { @"10", @"\boxed{2 \times 5}", true },
        { @"120", @"\boxed{5!}", true },
        { @"\text{Monday}", @"The meeting is on \boxed{\text{Monday}}.", true },
        { @"\text{Monday}", @"\boxed{\text{monday}}", true },
        { @"\text{Monday}", @"\boxed{\text{Tuesday}}", false },
        { @"\text{(C)}", @"\boxed{C}", true },
        { @"\text{(C)}", @"\boxed{(B)}", false },
        { @"\$42", @"\boxed{\$42}", true },
        { @"10{,}000", @"\boxed{10000}", true },
        { @"10{,}000", @"\boxed{10\,000}", true },
        { @"2\frac{1}{2}", @"\boxed{\frac{5}{2}}", true },
        { @"\frac{5}{2}", @"\boxed{2.5}", true },
        { @"0", @"\boxed{0.0000001}", false },
        { @"3", @"\boxed{\frac{3}{0}}", false },
        { @"3", @"\boxed{\frac{}{}}", false },
        { @"3", @"\boxed{}", false },
        { @"3", @"\boxed{3", false },
    };

    public static TheoryData<string, string, bool> MoreLatexVariants => new()
    {
        { @"\frac{\pi}{4}", @"\boxed{\pi/4}", true },
        { @"\dfrac{14}{3}", @"\boxed{4\frac{2}{3}}", true },
        { "-3", @"\boxed{- 3}", true },
        { "-2", "\\boxed{\u22122}", true },
        { "3", @"\boxed{-3}", false },
        { @"\$1.50", "The answer is $1.50.", true },
        { "x+1", @"\boxed{1+x}", true },
        { "2", @"\boxed{\sqrt{4}}", true },
        { @"\frac{\sqrt{2}}{2}", @"\boxed{\frac{1}{\sqrt{2}}}", true },
        { "10", @"\boxed{10\text{ cm}}", true },
        { "0.25", @"\boxed{25\%}", true },
        { @"\frac{1}{4}", @"\boxed{25%}", true },
        { @"\frac{9}{2}", @"\boxed{4.5}", true },
        { "3", @"\boxed{3.}", true },
        { "45", @"\boxed{45^\circ}", true },
        { @"\text{B}", @"\boxed{\textbf{(B)}}", true },
        { @"\$18.90", "#### 18.9", true },
        { @"\{-1, 1\}", @"\boxed{\pm 1}", true },
        { "[2, 5)", @"\boxed{x \in [2, 5)}", true },
        { @"(2, \infty)", @"\boxed{(2, \infty)}", true },
        { "2", @"\boxed{2, 2}", false },
        { "1000000", @"\boxed{1000000.5}", false },
        { "5", @"\boxed{\frac{10}{2}}", true },
        { "6", @"\boxed{6 \text{ ft}^2}", true },
    };

    /// <summary>Qwen2.5/Qwen3 write units and currency inside the box; the number beside them is the answer.</summary>
    public static TheoryData<string, string, bool> UnitsAndCurrency => new()
    {
        { "#### 18", @"So she makes $\boxed{18 \text{ dollars}}$.", true },
        { "#### 18", @"$\boxed{\$18}$", true },
        { "#### 18", @"\boxed{\$18.00}", true },
        { "#### 18", @"\boxed{\text{\$}18}", true },
        { "#### 18", @"\boxed{18\text{ cm}^2}", true },
        { "#### 5", @"\boxed{5 \text{ apples}}", true },
        { "#### 18", "The answer is 18 dollars.", true },
        { "#### 18", "She makes 9 * 2 = $18.00", true },
        { "#### 18", "18 km/h", true },
        { "#### 18", @"\boxed{18 \text{ km/h}}", true },
        { "#### 18", @"\boxed{\text{18}}", true },
        { "#### 18", @"\boxed{\text{18 dollars}}", true },
        { "#### 3", @"\boxed{3\ \text{hours}}", true },
        { "#### 18", @"\boxed{\textbf{18}}", true },
        { "#### 18", @"\boxed{18 \mbox{ m}}", true },
        { "#### 18", @"\boxed{18\,\text{m}}", true },
        { "#### 18", @"\boxed{€18}", true },
        { "#### 1800", @"\boxed{1,800 \text{ dollars}}", true },
        { @"\frac{1}{2}", @"\boxed{\frac{1}{2} \text{ cup}}", true },
        { @"4\pi", @"\boxed{4\pi \text{ cm}^2}", true },
        { "#### 18", @"\boxed{19 \text{ dollars}}", false },
        { "#### 18", @"\boxed{19 \mbox{ m}}", false },
        { "#### 18", @"\boxed{\$19}", false },
        { "#### 18", "The answer is 19 dollars.", false },
        { "#### 18", @"\boxed{1.8 \text{ km}}", false },
        { @"\frac{1}{2}", @"\boxed{\frac{1}{3} \text{ cup}}", false },
    };

    /// <summary>
    /// A percent matches the gold value as written or as the fraction it means (50% ↔ 50 or 0.5), as the Qwen2.5-Math
    /// evaluator's graders accept; without a % on either side the numbers must agree as written (0.5 ≠ 50).
    /// </summary>
    public static TheoryData<string, string, bool> Percent => new()
    {
        { "#### 50", @"So she saved $\boxed{50\%}$ of her money.", true },
        { "#### 50", "The answer is 50%.", true },
        { "0.5", @"\boxed{50\%}", true },
        { @"50\%", @"\boxed{50}", true },
        { "#### 50", @"\boxed{51\%}", false },
        { "#### 50", @"\boxed{0.5\%}", false },
        { "#### 50", @"\boxed{0.5}", false },
        { "#### 50", @"\boxed{5000}", false },
    };

    /// <summary>A boxed answer that is only text compares as text, and never as the number of some other answer.</summary>
    public static TheoryData<string, string, bool> TextInsideTheBox => new()
    {
        { @"\text{Monday}", @"\boxed{\text{Monday}}", true },
        { "Monday", @"\boxed{\textbf{Monday}}", true },
        { @"\text{Monday}", @"\boxed{\text{Tuesday}}", false },
        { @"\text{Monday morning}", @"\boxed{\text{Monday}\text{ morning}}", true },
        { @"\text{Monday}", @"\boxed{\text{Monday}\text{ morning}}", false },
        { "#### 18", @"\boxed{\text{eighteen dollars}}", false },
        { "-2, 3", @"\boxed{x=3 \text{ or } x=-2}", true },
        { "3", @"\boxed{x=3 \text{ or } x=-2}", false },
        { "3, 4", @"\boxed{3 \text{ or } 4}", true },
        { "3", @"\boxed{3 \text{ or } 4}", false },
        { "3", @"\boxed{3 \text{ and } 4 \text{ apples}}", false },
    };

    /// <summary>Responses without \boxed, #### or an answer phrase that end in "x = value".</summary>
    public static TheoryData<string, string, bool> FinalStatements => new()
    {
        { "#### 5", "Subtracting 3 from both sides, 2x = 10, hence x = 5.", true },
        { "#### 5", "so 2x = 10, hence x = 5.", true },
        { "#### 5", "Subtracting 3 from both sides, 2x = 10, hence x = 6.", false },
        { "#### 10", "Subtracting 3 from both sides, 2x = 10, hence x = 5.", false },
        { "#### 3", "Solving both equations gives x = 5, y = 3.", true },
        { "#### 5", "Solving both equations gives x = 5, y = 3.", false },
        { "#### 72", "Natalia sold 48/2 = 24 clips in May and 48+24 = 72 in all, so x = 72.", true },
        { "#### 24", "Natalia sold 48/2 = 24 clips in May and 48+24 = 72 in all, so x = 72.", false },
        { @"\frac{1}{2}", @"Dividing both sides by 4 gives x = \frac{1}{2}.", true },
        { "2", @"Dividing both sides by 4 gives x = \frac{1}{2}.", false },
        { @"2\sqrt{3}", @"Hence \(x = 2\sqrt{3}\) is the side length.", true },
        { "3", @"Hence \(x = 2\sqrt{3}\) is the side length.", false },
        { "#### 5", "Simplifying, we get x = 10/2 = 5.", true },
        { "#### 5", "Each box holds the same number of apples (x = 5).", true },
        { "#### 5", "So each box holds x = 5 apples.", true },
        { "#### 10", "Let x = 5. Then 2x = 10, so the total is 10 dollars.", true },
        { "#### 5", "Let x = 5. Then 2x = 10, so the total is 10 dollars.", false },
    };

    public static TheoryData<string, string, bool> DelimitersAndFallbacks => new()
    {
        { "7", @"Therefore the value is $7$", true },
        { "7", @"Therefore the value is \(7\)", true },
        { "7", @"Therefore the value is \[7\]", true },
        { "7", "Therefore the value is $$7$$", true },
        { @"\frac{1}{2}", @"so we get $\frac{1}{2}$", true },
        { @"\frac{1}{2}", @"\frac12", true },
        { @"\frac{1}{2}", "1/2", true },
        { "16", "We compute 2^4 = 16.", true },
        { "16", "2^4", true },
        { "9", "We add 4 and 5 to get nine", false },
        { "42", "The final answer is $\\boxed{42}$. I hope it is correct.", true },
        { "42", "The final answer is $42$. I hope it is correct.", true },
        { "42", "Final Answer: The final answer is 42. I hope it is correct.", true },
        { "42", "#### 42 dollars", true },
        { "3", "x = 3", true },
        { "3", "x = 4", false },
    };

    [Theory]
    [MemberData(nameof(GsmStyle))]
    public void Gsm8k_style_responses(string gold, string response, bool expected) => AssertVerdict(gold, response, expected);

    [Theory]
    [MemberData(nameof(MathStyle))]
    public void Math_style_responses(string gold, string response, bool expected) => AssertVerdict(gold, response, expected);

    [Theory]
    [MemberData(nameof(MoreLatexVariants))]
    public void More_latex_variants(string gold, string response, bool expected) => AssertVerdict(gold, response, expected);

    [Theory]
    [MemberData(nameof(UnitsAndCurrency))]
    public void Units_and_currency_beside_a_number(string gold, string response, bool expected) => AssertVerdict(gold, response, expected);

    [Theory]
    [MemberData(nameof(Percent))]
    public void Percent_against_a_plain_gold(string gold, string response, bool expected) => AssertVerdict(gold, response, expected);

    [Theory]
    [MemberData(nameof(TextInsideTheBox))]
    public void Text_inside_the_box(string gold, string response, bool expected) => AssertVerdict(gold, response, expected);

    [Theory]
    [MemberData(nameof(FinalStatements))]
    public void Final_statements_without_an_answer_marker(string gold, string response, bool expected) => AssertVerdict(gold, response, expected);

    [Theory]
    [MemberData(nameof(DelimitersAndFallbacks))]
    public void Delimiters_and_fallbacks(string gold, string response, bool expected) => AssertVerdict(gold, response, expected);

    [Fact]
    public void Tolerance_is_configurable()
    {
        Assert.False(new MathAnswerChecker(1e-6).Check(@"\sqrt{2}", @"\boxed{1.414}").Correct);
        Assert.True(new MathAnswerChecker(1e-3).Check(@"\sqrt{2}", @"\boxed{1.414}").Correct);
    }

    [Fact]
    public void Reports_the_extracted_answer_and_its_source()
    {
        var check = Checker.Check("#### 72", "So 48 + 24 = 72.\n#### 72");
        Assert.Equal(("72", AnswerSource.Hashes, "72"), (check.Extracted, check.Source, check.GoldAnswer));
        Assert.Equal(AnswerSource.LastNumber, Checker.Check("5", "I think it is 5 or so").Source);
        Assert.Equal(AnswerSource.None, Checker.Check("5", "no idea").Source);
    }

    [Fact]
    public void Hostile_input_is_a_wrong_answer_not_a_crash()
    {
        Assert.False(Checker.Check("1", @"\boxed{" + new string('(', 5000) + "1" + new string(')', 5000) + "}").Correct);
        Assert.False(Checker.Check("1", @"\boxed{9^{9^{9^{9^{9}}}}}").Correct);
        Assert.False(Checker.Check("1", @"\boxed{" + string.Concat(Enumerable.Repeat(@"\frac{", 3000)) + "}").Correct);
        Assert.True(Checker.Check("1", @"\boxed{((((((((((1))))))))))}").Correct);
    }

    private static void AssertVerdict(string gold, string response, bool expected)
    {
        var check = Checker.Check(gold, response);
        Assert.True(check.Correct == expected,
            $"gold '{gold}', response '{response}': extracted '{check.Extracted}' ({check.Source}), gold answer '{check.GoldAnswer}', expected {(expected ? "correct" : "wrong")}");
    }
}
