using ActorRL.Core.Algorithms;

namespace ActorRL.Core.Tests.Algorithms;

public class SubsentenceSplitterTests
{
    private static int[] Split(params string[] tokens) => SubsentenceSplitter.SpanIds(tokens, SubsentenceSplitter.DefaultDelimiters);

    [Fact]
    public void WorkedExampleSplitsAfterTheComma()
    {
        Assert.Equal(new[] { 0, 0, 0, 1, 1 }, Split(WorkedExample.Tokens1));
    }

    [Fact]
    public void DelimiterOnTheFinalTokenDoesNotOpenAnEmptySpan()
    {
        Assert.Equal(new[] { 0, 0, 0, 0 }, Split(WorkedExample.Tokens2));
        Assert.Equal(new[] { 0 }, Split("."));
    }

    [Fact]
    public void NoDelimiterMeansOneSpan()
    {
        Assert.Equal(new[] { 0, 0, 0 }, Split("the", " answer", " 42"));
    }

    [Fact]
    public void ConsecutiveDelimitersEachCloseASpan()
    {
        Assert.Equal(new[] { 0, 0, 1, 2, 3 }, Split("a", ",", ",", "?!", " b"));
    }

    [Fact]
    public void TrailingSpacesAndTabsAreIgnoredButWhitespaceTokensNeverEndASpan()
    {
        Assert.Equal(new[] { 0, 0, 1, 1, 1, 1 }, Split("x", ", ", " ", "\t", "y", " "));
        Assert.Equal(new[] { 0, 0, 1 }, Split("x", ".\t ", "y"));
    }

    [Fact]
    public void NewlineIsADelimiterAndIsNotTrimmed()
    {
        Assert.Equal(new[] { 0, 0, 1, 2 }, Split("a", "\n", " \n  ", "b"));
    }

    [Fact]
    public void OnlyTheEndOfTheTokenCounts()
    {
        Assert.Equal(new[] { 0, 0, 0 }, Split("3.5", " e.g", " x"));
    }

    [Fact]
    public void DelimitersAreConfigurableAndMayBeLongerThanOneCharacter()
    {
        var delimiters = new[] { "。", "..." };
        Assert.Equal(new[] { 0, 0, 1, 1, 2 }, SubsentenceSplitter.SpanIds(new[] { "好", "。", "wait", "...", "ok" }, delimiters));
        Assert.Equal(new[] { 0, 0, 0 }, SubsentenceSplitter.SpanIds(new[] { "a", ",", "b" }, delimiters));
    }

    [Fact]
    public void EmptyResponseHasNoSpans()
    {
        Assert.Empty(Split());
    }
}
