using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests;

/// <summary>Selecting PostgreSQL the documented way: the sample pipeline plus hocon/persistence-postgres.conf.</summary>
public sealed class PersistenceConfigTests
{
    [Fact]
    public async Task The_postgres_fragment_without_a_connection_string_is_a_configuration_error_naming_the_key()
    {
        var (code, _, error) = await CliRunner.Run("config", "check",
            RepositoryFiles.Path("samples/arithmetic/pipeline.conf"), RepositoryFiles.Path("hocon/persistence-postgres.conf"),
            "--set", "actorrl.persistence.connection-string=\"\"");

        Assert.Equal(2, code);
        Assert.Contains("actorrl.persistence.connection-string", error);
        Assert.Contains("must be set for provider = postgres", error);
    }

    [Fact]
    public async Task The_postgres_fragment_with_a_connection_string_selects_postgres()
    {
        var (code, output, error) = await CliRunner.Run("config", "show",
            RepositoryFiles.Path("samples/arithmetic/pipeline.conf"), RepositoryFiles.Path("hocon/persistence-postgres.conf"),
            "--set", "actorrl.persistence.connection-string=\"Host=db;Database=actorrl\"", "--section", "actorrl.persistence");

        Assert.True(code == 0, error);
        Assert.Contains("\"provider\" = \"postgres\"", output);
        Assert.Contains("Host=db;Database=actorrl", output);
    }
}
