namespace ActorRL.Tests.Shared;

/// <summary>
/// The PostgreSQL server the persistence tests use. <c>.ci/run</c> starts one on 127.0.0.1 (.ci/start-postgres)
/// and exports <see cref="Variable"/>; outside CI a test without it is skipped, with the reason. In CI a missing
/// server fails the test.
/// </summary>
internal static class TestPostgres
{
    public const string Variable = "ACTORRL_TEST_POSTGRES";

    /// <summary>The connection string, or the test is skipped (outside CI) or fails (in CI).</summary>
    public static string ConnectionOrSkip()
    {
        var connection = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connection))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true",
                $"CI must provide a PostgreSQL server: {Variable} is not set (see .ci/start-postgres)");
            Skip.If(true, $"no PostgreSQL server configured: set {Variable} (e.g. from .ci/start-postgres) to run this test");
        }
        return connection!;
    }
}
