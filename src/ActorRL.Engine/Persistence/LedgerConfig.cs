using Akka.Configuration;
using Akka.Persistence.Sql;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// The Akka.Persistence.Sql configuration of a run's ledger: journal and snapshot store on SQLite files in the
/// run directory (journal and snapshots in separate files, because SQLite has one writer per file) or on
/// PostgreSQL; tables created on first use; ledger messages bound to <see cref="LedgerSerializer"/>.
/// </summary>
public static class LedgerConfig
{
    public const string SnapshotFile = "ledger-snapshots.db";

    public static Config Build(PersistenceSettings settings, string runDirectory)
    {
        var (provider, journal, snapshots) = settings.Provider switch
        {
            // linq2db's provider names; SQLite.MS = Microsoft.Data.Sqlite.
            PersistenceProvider.Sqlite when settings.ConnectionString is null => ("SQLite.MS", settings.ConnectionFor(runDirectory),
                $"Data Source={Path.Combine(Path.GetFullPath(runDirectory), SnapshotFile)}"),
            PersistenceProvider.Sqlite => ("SQLite.MS", settings.ConnectionString, settings.ConnectionString),
            PersistenceProvider.Postgres => ("PostgreSQL.15", settings.ConnectionString!, settings.ConnectionString!),
            _ => throw new ArgumentException($"unknown persistence provider {settings.Provider}"),
        };
        var hocon = $$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = {{Quote(journal)}}
                  provider-name = "{{provider}}"
                  auto-initialize = on
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = {{Quote(snapshots)}}
                  provider-name = "{{provider}}"
                  auto-initialize = on
                }
              }
            }
            akka.actor {
              serializers.actorrl-ledger = "{{typeof(LedgerSerializer).FullName}}, {{typeof(LedgerSerializer).Assembly.GetName().Name}}"
              serialization-bindings {
                "{{typeof(ILedgerMessage).FullName}}, {{typeof(ILedgerMessage).Assembly.GetName().Name}}" = actorrl-ledger
              }
              serialization-identifiers {
                "{{typeof(LedgerSerializer).FullName}}, {{typeof(LedgerSerializer).Assembly.GetName().Name}}" = {{LedgerSerializer.Id}}
              }
            }
            """;
        // The plugin's own defaults are not loaded by a plain ActorSystem.Create (see ../shared/NOTES.md).
        return ConfigurationFactory.ParseString(hocon).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
