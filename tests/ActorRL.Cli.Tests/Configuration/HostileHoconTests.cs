using System.Text;

namespace ActorRL.Cli.Tests.Configuration;

/// <summary>
/// Configurations built to exhaust the reader: each is refused with exit 2 and one line naming the file and line,
/// quickly and without a stack overflow (which would kill the process past any handler).
/// </summary>
public sealed class HostileHoconTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, int> Cases()
    {
        var doubling = new StringBuilder("actorrl.run.dir = ${c0}\n");
        for (var i = 0; i < 40; i++) doubling.Append($"c{i} = ${{c{i + 1}}}${{c{i + 1}}}\n");
        doubling.Append("c40 = x\n");
        var chain = new StringBuilder("actorrl.run.dir = ${l0}\n");
        for (var i = 0; i < 5000; i++) chain.Append($"l{i} = ${{l{i + 1}}}\n");
        chain.Append("l5000 = x\n");
        return new TheoryData<string, string, int>
        {
            { string.Concat(Enumerable.Repeat("a { ", 100_000)), "nested more than 64 deep", 1 },
            { "a = " + string.Concat(Enumerable.Repeat("[", 100_000)), "nested more than 64 deep", 1 },
            { string.Join('.', Enumerable.Range(0, 100_000).Select(i => $"k{i}")) + " = 1", "nested more than 64 deep", 1 },
            { doubling.ToString(), "substitutions to resolve", 0 },
            { chain.ToString(), "substitutions chain more than 64 deep", 0 },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_configuration_built_to_exhaust_the_reader_is_refused_with_one_line(string hocon, string says, int line)
    {
        var file = Path.Combine(_dir, "hostile.conf");
        await File.WriteAllTextAsync(file, hocon);
        var (code, _, error) = await CliRunner.Run("config", "check", file).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(2, code);
        var message = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(says, message);
        Assert.Contains(line > 0 ? $"{file}:{line}" : file, message);
        Assert.DoesNotContain("   at ", error);
    }
}
