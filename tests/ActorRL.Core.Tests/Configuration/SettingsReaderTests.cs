using ActorRL.Core.Configuration;

namespace ActorRL.Core.Tests.Configuration;

public class SettingsReaderTests
{
    private static SettingsReader Read(string hocon) => SettingsReader.Parse(hocon, "s", "file.conf");

    [Fact]
    public void TypedGettersReadValidValues()
    {
        var r = Read("s { i = 3, d = 0.25, b = yes, e = dapo, t = 500ms, m = 2m, l = [a, b], x = [0.5, 1] }");
        Assert.Equal(3, r.GetInt("i", 0, 5));
        Assert.Equal(0.25, r.GetDouble("d", 0, 1));
        Assert.True(r.GetBool("b"));
        Assert.Equal("dapo", r.GetEnum("e", "grpo", "dapo"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), r.GetDuration("t"));
        Assert.Equal(TimeSpan.FromMinutes(2), r.GetDuration("m"));
        Assert.Equal(new[] { "a", "b" }, r.GetStringList("l"));
        Assert.Equal(new[] { 0.5, 1.0 }, r.GetDoubleList("x"));
        Assert.Null(r.GetDoubleOrNull("absent"));
    }

    [Theory]
    [InlineData("s.i = 9", "i", "s.i (file.conf:1): expected a whole number in [0, 5], got \"9\"")]
    [InlineData("s.i = abc", "i", "s.i (file.conf:1): expected a whole number in [0, 5], got \"abc\"")]
    [InlineData("s.i = 1.5", "i", "expected a whole number in [0, 5], got \"1.5\"")]
    [InlineData("s.i = [1]", "i", "expected a whole number in [0, 5], got a list")]
    [InlineData("s.i = null", "i", "expected a whole number in [0, 5], got null")]
    public void IntErrorsNameKeyFileLineValueAndRange(string hocon, string key, string message)
    {
        var e = Assert.Throws<SettingsException>(() => Read(hocon).GetInt(key, 0, 5));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void EnumErrorListsTheAllowedValues()
    {
        var e = Assert.Throws<SettingsException>(() => Read("s {\n e = gpro\n}").GetEnum("e", "grpo", "dapo"));
        Assert.Equal("s.e (file.conf:2): expected one of grpo | dapo, got \"gpro\"", e.Message);
    }

    private enum Shape { Token, SequenceToken, SeqMeanTokenSumNorm }

    [Fact]
    public void TypedEnumsAreSpelledInKebabCase()
    {
        Assert.Equal(new[] { "token", "sequence-token", "seq-mean-token-sum-norm" }, SettingNames.All<Shape>());
        Assert.Equal("sequence-token", SettingNames.Of(Shape.SequenceToken));
        Assert.Equal(Shape.SeqMeanTokenSumNorm, Read("s.e = seq-mean-token-sum-norm").GetEnum<Shape>("e"));
        Assert.Null(SettingNames.Parse<Shape>("SequenceToken"));
    }

    [Fact]
    public void TypedEnumErrorsKeepKeyFileLineAndTheAllowedNames()
    {
        var e = Assert.Throws<SettingsException>(() => Read("s {\n e = Token\n}").GetEnum<Shape>("e"));
        Assert.Equal("s.e (file.conf:2): expected one of token | sequence-token | seq-mean-token-sum-norm, got \"Token\"", e.Message);
    }

    [Fact]
    public void RegistryEntriesAreResolvedByName()
    {
        var registry = new Dictionary<string, object> { ["a"] = new object(), ["b"] = new object() };
        var r = Read("s {\n e = b\n f = c\n}");
        Assert.Same(registry["b"], r.GetNamed("e", registry));
        Assert.Null(r.GetNamedOrNull("absent", registry));
        var e = Assert.Throws<SettingsException>(() => r.GetNamed("f", registry));
        Assert.Equal("s.f (file.conf:3): expected one of a | b, got \"c\"", e.Message);
    }

    [Fact]
    public void MissingKeysAndBadTypesAreReported()
    {
        var r = Read("s { b = maybe, t = soon, d = 1e400, l = 3, o { } }");
        Assert.Contains("s.nope: missing", Assert.Throws<SettingsException>(() => r.GetString("nope")).Message);
        Assert.Contains("expected true or false, got \"maybe\"", Assert.Throws<SettingsException>(() => r.GetBool("b")).Message);
        Assert.Contains("expected a duration", Assert.Throws<SettingsException>(() => r.GetDuration("t")).Message);
        Assert.Contains("expected a finite number", Assert.Throws<SettingsException>(() => r.GetDouble("d", 0, 10)).Message);
        Assert.Contains("expected a list of strings, got \"3\"", Assert.Throws<SettingsException>(() => r.GetStringList("l")).Message);
        Assert.Contains("expected a string, got an object", Assert.Throws<SettingsException>(() => r.GetString("o")).Message);
    }

    [Fact]
    public void FailPointsAtTheValue()
    {
        var e = Read("s {\n\n a = 1\n}").Fail("a", "must be larger than b");
        Assert.Equal("s.a (file.conf:3): must be larger than b", e.Message);
    }
}
