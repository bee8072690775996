using ActorRL.Core.Configuration;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// <c>actorrl.persistence</c>: where the learner's ledger lives and how checkpoints are kept.
/// <see cref="ConnectionString"/> is null for SQLite when the file in the run directory is meant.
/// </summary>
public sealed record PersistenceSettings(
    PersistenceProvider Provider,
    string? ConnectionString,
    string? PersistenceId,
    int CheckpointEvery,
    int KeepLast,
    int SnapshotEvery,
    TimeSpan RetryMinBackoff,
    TimeSpan RetryMaxBackoff)
{
    /// <summary>The SQLite file used when no connection string is configured.</summary>
    public const string LedgerFile = "ledger.db";

    public static PersistenceSettings FromConfig(SettingsReader r)
    {
        var provider = r.GetEnum<PersistenceProvider>("provider");
        var connection = r.GetStringOrNull("connection-string");
        if (string.IsNullOrWhiteSpace(connection)) connection = null;
        if (provider == PersistenceProvider.Postgres && connection is null)
            throw r.Fail("connection-string", "must be set for provider = postgres (e.g. \"Host=127.0.0.1;Port=5432;Username=...;Password=...;Database=...\")");
        var id = r.GetStringOrNull("persistence-id");
        var min = r.GetDuration("retry-min-backoff");
        var max = r.GetDuration("retry-max-backoff");
        if (max < min) throw r.Fail("retry-max-backoff", $"must be ≥ retry-min-backoff ({min.TotalSeconds:0.###} s)");
        return new PersistenceSettings(provider, connection, string.IsNullOrWhiteSpace(id) ? null : id,
            r.GetInt("checkpoint-every", 1), r.GetInt("keep-last", 1), r.GetInt("snapshot-every", 1), min, max);
    }

    /// <summary>The learner's persistence id for a run of this id: configured, or "learner-" + the run's id.</summary>
    public string PersistenceIdOf(string runId) => PersistenceId ?? "learner-" + runId;

    /// <summary>The persistence id of a run directory's ledger: configured, or "learner-" + its <see cref="RunId"/>.</summary>
    public string PersistenceIdFor(string runDirectory) => PersistenceId ?? PersistenceIdOf(RunId.Of(runDirectory));

    /// <summary>The connection string Akka.Persistence.Sql gets (SQLite: the ledger file in the run directory).</summary>
    public string ConnectionFor(string runDirectory) =>
        ConnectionString ?? $"Data Source={Path.Combine(Path.GetFullPath(runDirectory), LedgerFile)}";
}

/// <summary><c>actorrl.persistence.provider</c>: the ledger's database.</summary>
public enum PersistenceProvider
{
    /// <summary>SQLite files in the run directory (or at connection-string).</summary>
    Sqlite,

    /// <summary>PostgreSQL at connection-string.</summary>
    Postgres,
}
