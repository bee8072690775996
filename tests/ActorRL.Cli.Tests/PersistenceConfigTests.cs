namespace ActorRL.Cli.Tests;

/// <summary>Selecting PostgreSQL the documented way: the sample pipeline plus hocon/persistence-postgres.conf.</summary>
public sealed class PersistenceConfigTests
{
    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorRL.sln"))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException($"no ActorRL.sln above {AppContext.BaseDirectory}");
    }

    [Fact]
    public async Task The_postgres_fragment_without_a_connection_string_is_a_configuration_error_naming_the_key()
    {
        var (code, _, error) = await CliRunner.Run("config", "check",
            RepositoryFile("samples/arithmetic/pipeline.conf"), RepositoryFile("hocon/persistence-postgres.conf"),
            "--set", "actorrl.persistence.connection-string=\"\"");

        Assert.Equal(2, code);
        Assert.Contains("actorrl.persistence.connection-string", error);
        Assert.Contains("must be set for provider = postgres", error);
    }

    [Fact]
    public async Task The_postgres_fragment_with_a_connection_string_selects_postgres()
    {
        var (code, output, error) = await CliRunner.Run("config", "show",
            RepositoryFile("samples/arithmetic/pipeline.conf"), RepositoryFile("hocon/persistence-postgres.conf"),
            "--set", "actorrl.persistence.connection-string=\"Host=db;Database=actorrl\"", "--section", "actorrl.persistence");

        Assert.True(code == 0, error);
        Assert.Contains("\"provider\" = \"postgres\"", output);
        Assert.Contains("Host=db;Database=actorrl", output);
    }
}
