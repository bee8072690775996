using ActorRL.Tasks.Countdown;

namespace ActorRL.Tasks.Tests.Countdown;

public class CountdownVerifierTests
{
    private static readonly CountdownProblem Problem = new([3, 7, 25, 50], 75);
    private static readonly CountdownVerifier UseAll = new(useAll: true, allowFractions: false);
    private static readonly CountdownVerifier AnySubset = new(useAll: false, allowFractions: false);

    [Theory]
    [InlineData(" 50+25=75. Answer: 50+25", CountdownOutcome.Correct)]
    [InlineData("Answer: (50-25)*3", CountdownOutcome.Correct)]
    [InlineData("Answer: (50 − 25) × 3 = 75.", CountdownOutcome.Correct)]
    [InlineData("<answer>25*3</answer>", CountdownOutcome.Correct)]
    [InlineData(@"so $\boxed{50+25}$", CountdownOutcome.Correct)]
    [InlineData("Answer: 50+25+1-1", CountdownOutcome.UnknownNumber)]
    [InlineData("Answer: 75", CountdownOutcome.UnknownNumber)]
    [InlineData("Answer: 25+25+25", CountdownOutcome.NumberReused)]
    [InlineData("Answer: 50+50-25", CountdownOutcome.NumberReused)]
    [InlineData("Answer: 50+7*3", CountdownOutcome.WrongValue)]
    [InlineData("Answer: 50/(7-7)", CountdownOutcome.NumberReused)]
    [InlineData("Answer: 50+", CountdownOutcome.Unparsable)]
    [InlineData("Answer: -50+25", CountdownOutcome.Unparsable)]
    [InlineData("Answer: __import__('os')", CountdownOutcome.Unparsable)]
    [InlineData("I give up", CountdownOutcome.NoAnswer)]
    public void Judges_expressions_over_the_given_numbers(string response, CountdownOutcome expected) =>
        Assert.Equal(expected, AnySubset.Check(Problem, response).Outcome);

    [Fact]
    public void With_use_all_every_number_must_appear()
    {
        Assert.Equal(CountdownOutcome.NumberUnused, UseAll.Check(Problem, "Answer: 50+25").Outcome);
        Assert.Equal(CountdownOutcome.NumberUnused, UseAll.Check(Problem, "Answer: (50-25)*3").Outcome);
        Assert.Equal(CountdownOutcome.Correct, UseAll.Check(new CountdownProblem([3, 7, 25, 50], 79), "Answer: 50+25+7-3").Outcome);
    }

    [Fact]
    public void A_number_given_twice_may_be_used_twice_but_not_three_times()
    {
        var problem = new CountdownProblem([5, 5, 2], 12);
        Assert.Equal(CountdownOutcome.Correct, UseAll.Check(problem, "Answer: 5+5+2").Outcome);
        Assert.Equal(CountdownOutcome.NumberReused, AnySubset.Check(problem, "Answer: 5+5+5-2-1").Outcome);
    }

    [Fact]
    public void Division_must_be_exact_unless_fractions_are_allowed()
    {
        var problem = new CountdownProblem([7, 2, 4], 14);
        Assert.Equal(CountdownOutcome.BadDivision, UseAll.Check(problem, "Answer: 7/2*4").Outcome);
        Assert.Equal(CountdownOutcome.Correct, new CountdownVerifier(useAll: true, allowFractions: true).Check(problem, "Answer: 7/2*4").Outcome);
    }

    [Fact]
    public void Division_by_zero_is_rejected_even_when_fractions_are_allowed() =>
        Assert.Equal(CountdownOutcome.BadDivision,
            new CountdownVerifier(useAll: false, allowFractions: true).Check(new CountdownProblem([7, 2, 4, 6], 7), "Answer: 7/(6-4-2)").Outcome);

    [Fact]
    public void Verdict_reports_format_separately_from_correctness()
    {
        var gold = Problem.Gold;
        Assert.Equal("target=75 numbers=3,7,25,50", gold);
        Assert.Equal((true, true), (AnySubset.Verify(gold, "Answer: 50+25").Correct, AnySubset.Verify(gold, "Answer: 50+25").Formatted));
        Assert.Equal((false, true), (AnySubset.Verify(gold, "Answer: 50+7").Correct, AnySubset.Verify(gold, "Answer: 50+7").Formatted));
        Assert.Equal((false, false), (AnySubset.Verify(gold, "Answer: 50+").Correct, AnySubset.Verify(gold, "Answer: 50+").Formatted));
    }
}
