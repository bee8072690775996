using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests.Configuration;

/// <summary>
/// The corpus of malformed settings (malformed-configs.tsv, one per line): each must stop `train --dry-run` with exit 2
/// and one line naming its key and file:line, never a stack trace and never an OK for a run that would then fail.
/// </summary>
public sealed class MalformedConfigCorpusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-malformed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var line in File.ReadLines(RepositoryFiles.Path("tests/ActorRL.Cli.Tests/Configuration/malformed-configs.tsv")))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split('\t');
            data.Add("actorrl." + fields[0], fields[1]);
        }
        return data;
    }

    [Fact]
    public void The_corpus_holds_at_least_a_hundred_cases() => Assert.True(Cases().Count >= 100);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_malformed_setting_stops_the_dry_run_naming_its_key_and_line(string key, string hocon)
    {
        var file = Path.Combine(_dir, "pipeline.conf");
        await File.WriteAllTextAsync(file, $"actorrl {{\n  {hocon}\n}}\n");
        var (code, output, error) = await CliRunner.Run("train", file, "--dry-run");
        Assert.True(code == 2, $"exit {code} for `{hocon}`; out: {output} err: {error}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line);
        Assert.Contains($"{file}:2", line);
        Assert.DoesNotContain("   at ", error);
    }
}
