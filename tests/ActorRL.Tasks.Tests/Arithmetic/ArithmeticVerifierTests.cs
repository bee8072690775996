using ActorRL.Tasks.Arithmetic;

namespace ActorRL.Tasks.Tests.Arithmetic;

public class ArithmeticVerifierTests
{
    private readonly ArithmeticVerifier _verifier = new();

    [Theory]
    [InlineData("132", " 7+5=12, 4+8+1=13. Answer: 132", true, true)]
    [InlineData("132", " Answer: 132", true, true)]
    [InlineData("132", " Answer: 132\n", true, true)]
    [InlineData("-38", " -(85-47), 15-7=8, 8-4-1=3. Answer: -38", true, true)]
    [InlineData("132", " 7+5=12, 4+8+1=13. Answer: 131", false, true)]
    [InlineData("132", " Answer: 132 and more", true, false)]
    [InlineData("132", " Answer: 131. Answer: 132", true, false)]
    [InlineData("132", " 7+5=12, 4+8+1=13, so 132", false, false)]
    [InlineData("132", "", false, false)]
    [InlineData("38", " Answer: -38", false, true)]
    public void Judges_the_last_answer_line(string gold, string response, bool correct, bool formatted)
    {
        var verdict = _verifier.Verify(gold, response);
        Assert.Equal((correct, formatted), (verdict.Correct, verdict.Formatted));
    }
}
