namespace ActorRL.Cli.Tests;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task ShowPrintsTheEffectiveValueWithOverridesApplied()
    {
        var file = Write("p.conf", "actorrl.run.seed = 11");
        var (code, output, _) = await CliRunner.Run("config", "show", file, "--set", "actorrl.run.dir=elsewhere", "--section", "actorrl.run");
        Assert.Equal(0, code);
        Assert.Contains("\"seed\" = 11", output);
        Assert.Contains("\"dir\" = \"elsewhere\"", output);
    }

    [Fact]
    public async Task CheckAcceptsAGoodFile()
    {
        var (code, output, _) = await CliRunner.Run("config", "check", Write("ok.conf", "actorrl.logging.level = debug"));
        Assert.Equal(0, code);
        Assert.StartsWith("OK:", output);
    }

    [Fact]
    public async Task ABadValueExitsTwoWithOneLineNamingKeyFileLineAndAllowedValues()
    {
        var file = Write("bad.conf", "actorrl {\n  logging.level = loud\n}");
        var (code, output, error) = await CliRunner.Run("config", "check", file);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("actorrl.logging.level", line);
        Assert.Contains($"{file}:2", line);
        Assert.Contains("\"loud\"", line);
        Assert.Contains("information", line);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task AMicroBatchBudgetBelowTheLongestSequenceExitsTwoNamingTheKeyAndFileLine()
    {
        var file = Write("budget.conf", "actorrl {\n  model.max-seq-len = 128\n  learner.micro-batch-tokens = 64\n}");
        var (code, _, error) = await CliRunner.Run("config", "check", file);
        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("actorrl.learner.micro-batch-tokens", line);
        Assert.Contains($"{file}:3", line);
        Assert.Contains("got 64", line);
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("generation.kv-budget-tokens = 100", "actorrl.generation.kv-budget-tokens", "got 100")]
    [InlineData("generation.max-batch-sequences = 4", "actorrl.generation.max-batch-sequences", "got 4")]
    [InlineData("generation.on-weight-update = drop-cache", "actorrl.generation.on-weight-update", "keep-cache")]
    [InlineData("generation.batching = dynamic", "actorrl.generation.batching", "continuous")]
    [InlineData("generation.min-p = 1", "actorrl.generation.min-p", "[0, 1)")]
    [InlineData("generation.top-k = -1", "actorrl.generation.top-k", "-1")]
    [InlineData("generation.stop = [\"\"]", "actorrl.generation.stop", "empty")]
    public async Task ABadBatchingOrSamplingSettingExitsTwoNamingTheKeyAndFileLine(string setting, string key, string says)
    {
        // group-size 8 by default; model.max-seq-len 128 and max-new-tokens 48: one group's worst case is 80 + 8 × 48 = 464 tokens.
        var file = Write("generation.conf", $"actorrl {{\n  model.max-seq-len = 128\n  {setting}\n}}");
        var (code, _, error) = await CliRunner.Run("config", "check", file);
        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line);
        Assert.Contains($"{file}:3", line);
        Assert.Contains(says, line);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task AnUnknownKeyExitsTwo()
    {
        var (code, _, error) = await CliRunner.Run("config", "check", "--set", "actorrl.run.sed=5");
        Assert.Equal(2, code);
        Assert.Contains("did you mean actorrl.run.seed?", error);
    }

    [Fact]
    public async Task MalformedHoconExitsTwo()
    {
        var (code, _, error) = await CliRunner.Run("config", "check", Write("broken.conf", "actorrl {\n run {\n  seed = [ }\n"));
        Assert.Equal(2, code);
        Assert.Contains("broken.conf:3", error);
    }

    [Fact]
    public async Task UnknownCommandsAndOptionsAreBadUsage()
    {
        Assert.Equal(2, (await CliRunner.Run("no-such-command")).Code);
        Assert.Equal(2, (await CliRunner.Run("config", "check", "--no-such-option")).Code);
    }

    [Fact]
    public async Task HelpExitsZeroAndListsTheCommands()
    {
        var (code, output, _) = await CliRunner.Run("--help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "train", "node", "eval", "plot", "bench", "loss-check", "verify", "config" })
            Assert.Contains(command, output);
    }
}
