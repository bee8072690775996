using ActorRL.Core.Configuration;

namespace ActorRL.Core.Tests.Configuration;

public sealed class PipelineConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void DefaultsComeFromTheReference()
    {
        var config = PipelineConfig.Load(Array.Empty<string>(), Array.Empty<string>());
        Assert.Equal("runs/default", config.Reader("actorrl.run").GetString("dir"));
        Assert.Equal(1234, config.Reader("actorrl.run").GetInt("seed"));
    }

    [Fact]
    public void OverridesWinOverFilesWhichWinOverTheReference()
    {
        var baseFile = Write("base.conf", "actorrl.run { seed = 7, dir = \"from-base\" }");
        var user = Write("user.conf", "include \"base.conf\"\nactorrl.run.dir = \"from-user\"");
        var config = PipelineConfig.Load(new[] { user }, new[] { "actorrl.run.seed=99" });
        var run = config.Reader("actorrl.run");
        Assert.Equal("from-user", run.GetString("dir"));
        Assert.Equal(99, run.GetInt("seed"));
        Assert.Equal("information", config.Reader("actorrl.logging").GetString("level"));
    }

    [Fact]
    public void AnOverrideThatIsNotHoconIsTakenAsAString()
    {
        var config = PipelineConfig.Load(Array.Empty<string>(), new[] { "actorrl.run.dir=/tmp/a:b@c" });
        Assert.Equal("/tmp/a:b@c", config.Reader("actorrl.run").GetString("dir"));
    }

    [Fact]
    public void UnknownKeysAreRejectedWithASuggestion()
    {
        var user = Write("typo.conf", "actorrl {\n  run {\n    sed = 3\n  }\n}");
        var e = Assert.Throws<SettingsException>(() => PipelineConfig.Load(new[] { user }, Array.Empty<string>()));
        Assert.Equal("actorrl.run.sed", e.Key);
        Assert.Equal(3, e.Line);
        Assert.Contains("typo.conf:3", e.Message);
        Assert.Contains("did you mean actorrl.run.seed?", e.Message);
    }

    [Fact]
    public void UnknownOverrideKeysAreRejectedToo()
    {
        var e = Assert.Throws<SettingsException>(() => PipelineConfig.Load(Array.Empty<string>(), new[] { "actorrl.nonsense.key=1" }));
        Assert.Equal("actorrl.nonsense", e.Key);
        Assert.Contains("--set", e.Message);
    }

    [Fact]
    public void KeysOutsideTheActorrlNamespacePassThrough()
    {
        var config = PipelineConfig.FromText("akka.loglevel = DEBUG");
        Assert.Equal("DEBUG", config.Reader("akka").GetString("loglevel"));
    }

    [Fact]
    public void MissingFilesAndIncludesAreNamed()
    {
        var e = Assert.Throws<SettingsException>(() => PipelineConfig.Load(new[] { Path.Combine(_dir, "absent.conf") }, Array.Empty<string>()));
        Assert.Contains("absent.conf", e.Message);
        Assert.Contains("file not found", e.Message);
        var user = Write("inc.conf", "a = 1\ninclude \"nowhere.conf\"");
        e = Assert.Throws<SettingsException>(() => PipelineConfig.Load(new[] { user }, Array.Empty<string>()));
        Assert.Contains("inc.conf:2", e.Message);
        Assert.Contains("nowhere.conf", e.Message);
    }

    [Fact]
    public void IncludeCyclesAreReported()
    {
        Write("a.conf", "include \"b.conf\"");
        Write("b.conf", "include \"a.conf\"");
        var e = Assert.Throws<SettingsException>(() => PipelineConfig.Load(new[] { Path.Combine(_dir, "a.conf") }, Array.Empty<string>()));
        Assert.Contains("include cycle", e.Message);
    }

    [Fact]
    public void MalformedOverrideIsABadUsage()
    {
        var e = Assert.Throws<SettingsException>(() => PipelineConfig.Load(Array.Empty<string>(), new[] { "no-equals-sign" }));
        Assert.Contains("expected key=value", e.Message);
    }

    [Fact]
    public void RenderShowsTheEffectiveValues()
    {
        var config = PipelineConfig.Load(Array.Empty<string>(), new[] { "actorrl.run.seed=5" });
        var text = config.Render("actorrl.run");
        Assert.Contains("\"seed\" = 5", text);
        Assert.Equal(5, SettingsReader.Parse(text, "actorrl.run").GetInt("seed"));
    }
}
