using ActorRL.Tasks.Arithmetic;
using ActorRL.Tasks.Randomness;

namespace ActorRL.Tasks.Tests.Arithmetic;

public class ArithmeticWorkingsTests
{
    [Theory]
    [InlineData(47, '+', 85, " 7+5=12, 4+8+1=13. Answer: 132")]
    [InlineData(12, '+', 34, " 2+4=6, 1+3=4. Answer: 46")]
    [InlineData(99, '+', 1, " 9+1=10, 9+0+1=10. Answer: 100")]
    [InlineData(85, '-', 47, " 15-7=8, 8-4-1=3. Answer: 38")]
    [InlineData(100, '-', 99, " 10-9=1, 10-9-1=0, 1-0-1=0. Answer: 1")]
    [InlineData(47, '-', 85, " -(85-47), 15-7=8, 8-4-1=3. Answer: -38")]
    [InlineData(23, '*', 45, " 23*5=115, 23*4=92, 115+920=1035. Answer: 1035")]
    [InlineData(23, '*', 4, " 23*4=92. Answer: 92")]
    public void Step_by_step_working_reads_as_documented(long left, char op, long right, string expected)
    {
        var (text, answer) = ArithmeticWorkings.Write(new ArithmeticProblem(left, op, right), stepByStep: true);
        Assert.Equal(expected, text);
        Assert.Equal(new ArithmeticProblem(left, op, right).Answer, answer);
    }

    [Fact]
    public void Direct_style_is_the_answer_line_alone() =>
        Assert.Equal(" Answer: 132", ArithmeticWorkings.Write(new ArithmeticProblem(47, '+', 85), stepByStep: false).Text);

    [Fact]
    public void Correct_working_always_reaches_the_true_answer()
    {
        var random = new SplitMix64(7);
        for (var i = 0; i < 3000; i++)
        {
            var problem = new ArithmeticProblem(random.NextLong(100_000), "+-*"[i % 3], random.NextLong(10_000));
            var (text, answer) = ArithmeticWorkings.Write(problem, stepByStep: true);
            Assert.Equal(problem.Answer, answer);
            Assert.EndsWith($"Answer: {problem.Answer}", text);
        }
    }

    [Fact]
    public void A_deliberate_mistake_changes_the_final_answer_and_agrees_with_its_own_working()
    {
        var random = new SplitMix64(11);
        for (var i = 0; i < 3000; i++)
        {
            var problem = new ArithmeticProblem(random.NextLong(1000), "+-*"[i % 3], random.NextLong(1000));
            var stepByStep = i % 2 == 0;
            var (text, answer) = ArithmeticWorkings.Write(problem, stepByStep, mistakes: random);
            Assert.NotEqual(problem.Answer, answer);
            Assert.EndsWith($"Answer: {answer}", text);
            if (problem.Operation == '+' && stepByStep)
                Assert.Equal(answer, SumFromColumnSteps(text));
        }
    }

    /// <summary>Re-reads the written column sums ("a+b[+c]=s") the way a reader would, to check the answer follows from them.</summary>
    private static long SumFromColumnSteps(string text)
    {
        var steps = text.Split(". Answer:")[0].Trim().Split(", ");
        long result = 0, place = 1;
        var carry = 0L;
        foreach (var step in steps)
        {
            var sum = long.Parse(step.Split('=')[1]);
            result += sum % 10 * place;
            carry = sum / 10;
            place *= 10;
        }
        return result + carry * place;
    }
}
