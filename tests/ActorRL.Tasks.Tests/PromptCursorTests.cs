namespace ActorRL.Tasks.Tests;

public class PromptCursorTests
{
    [Fact]
    public void Text_form_round_trips()
    {
        var cursor = new PromptCursor(3, 12_345_678_901);
        Assert.Equal("e3:i12345678901", cursor.ToString());
        Assert.Equal(cursor, PromptCursor.Parse(cursor.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("3:5")]
    [InlineData("e-1:i5")]
    [InlineData("e1:ix")]
    public void Malformed_text_is_rejected_with_the_expected_form(string text) =>
        Assert.Contains("e<epoch>:i<index>", Assert.Throws<FormatException>(() => PromptCursor.Parse(text)).Message);
}
