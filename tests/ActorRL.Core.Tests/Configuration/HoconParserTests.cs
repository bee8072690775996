using ActorRL.Core.Configuration;

namespace ActorRL.Core.Tests.Configuration;

public class HoconParserTests
{
    private static SettingsReader Read(string hocon) => SettingsReader.Parse(hocon, source: "test.conf");

    [Fact]
    public void ParsesTheHoconFormsUsersWrite()
    {
        var r = Read("""
            # comment
            a { b = 1, c: "two" }   // trailing comment
            a.d = [1, 2,
                   3]
            e { f { g = true } }
            h = 10 s
            i = ${a.b}
            j = "x"${a.c}
            k = null
            l += 5
            l += 6
            m = \"\"\"raw "text" here\"\"\"
            """.Replace("\\\"", "\""));
        Assert.Equal(1, r.GetInt("a.b"));
        Assert.Equal("two", r.GetString("a.c"));
        Assert.Equal(new[] { 1, 2, 3 }, r.GetIntList("a.d"));
        Assert.True(r.GetBool("e.f.g"));
        Assert.Equal("10 s", r.GetString("h"));
        Assert.Equal(1, r.GetInt("i"));
        Assert.Equal("xtwo", r.GetString("j"));
        Assert.False(r.IsSet("k"));
        Assert.Equal(new[] { 5, 6 }, r.GetIntList("l"));
        Assert.Equal("raw \"text\" here", r.GetString("m"));
    }

    [Fact]
    public void LaterObjectsMergeAndScalarsReplace()
    {
        var r = Read("a { x = 1, y = 2 }\na { y = 3, z = 4 }\nb = 1\nb = 2");
        Assert.Equal(1, r.GetInt("a.x"));
        Assert.Equal(3, r.GetInt("a.y"));
        Assert.Equal(4, r.GetInt("a.z"));
        Assert.Equal(2, r.GetInt("b"));
    }

    [Theory]
    [InlineData("a { b = 1 \n c = [ }", 2, "expected ']' to close the list opened at line 2")]
    [InlineData("a {\n b = 1\n", 3, "expected '}' to close the object opened at line 1")]
    [InlineData("a = \"unterminated\nb = 1", 1, "unterminated quoted string")]
    [InlineData("a = 1 }", 1, "unexpected '}'")]
    [InlineData("x\ny = 2", 1, "expected '=', ':' or '{' after the key 'x'")]
    [InlineData("a = ${nowhere.at.all}", 1, "names no key")]
    public void MalformedInputFailsWithFileAndLine(string hocon, int line, string fragment)
    {
        var e = Assert.Throws<SettingsException>(() => Read(hocon));
        Assert.Contains($"test.conf:{line}", e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void RenderedTextParsesBackToTheSameValues()
    {
        var text = "a { b = 1.5, \"c.d\" = \"q\\\"uote\", e = [x, \"y z\"], n = null, t = on }";
        var root = HoconParser.Parse(text, "t");
        var again = SettingsReader.Parse(HoconWriter.Render(root));
        Assert.Equal(1.5, again.GetDouble("a.b"));
        Assert.Equal(new[] { "x", "y z" }, again.GetStringList("a.e"));
        Assert.False(again.IsSet("a.n"));
        Assert.True(again.GetBool("a.t"));
        // A quoted key containing a dot stays one key.
        Assert.Contains("\"c.d\" = \"q\\\"uote\"", HoconWriter.Render(root));
    }

    [Fact]
    public void OptionalSubstitutionFallsBackToEnvironmentThenVanishes()
    {
        Environment.SetEnvironmentVariable("ACTORRL_TEST_HOCON_ENV", "from-env");
        var r = Read("a = ${?ACTORRL_TEST_HOCON_ENV}\nb = ${?ACTORRL_SURELY_UNSET_VARIABLE}");
        Assert.Equal("from-env", r.GetString("a"));
        Assert.False(r.IsSet("b"));
    }
}
