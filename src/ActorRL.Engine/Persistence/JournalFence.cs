using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// One learner per persistence id on a shared PostgreSQL journal: a session-level advisory lock on a hash of the
/// id, taken on a connection of its own before the learner starts and held until it ends. The run directory's
/// lock cannot see a learner on another machine, or in another directory with the same configured id. PostgreSQL
/// drops the lock with the session, so a learner killed with -9 releases it once the server sees the connection
/// close. SQLite needs no fence: its ledger is a file in the run directory, which <see cref="RunLock"/> holds.
/// </summary>
public sealed class JournalFence : IDisposable
{
    /// <summary>Marks the fence's session in pg_stat_activity, so a refused learner can name the holder.</summary>
    private const string ApplicationPrefix = "actorrl learner ";

    private readonly NpgsqlConnection? _session;

    private JournalFence(NpgsqlConnection? session) => _session = session;

    /// <exception cref="RunInUseException">Another learner holds this persistence id.</exception>
    /// <exception cref="Pipeline.ExplainedRunFailure">The server cannot be reached.</exception>
    public static async Task<JournalFence> AcquireAsync(PersistenceSettings settings, string persistenceId, CancellationToken cancellation = default)
    {
        if (settings.Provider != PersistenceProvider.Postgres) return new JournalFence(null);
        var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            // A pooled connection would keep the session, and the lock, after Dispose.
            Pooling = false,
            // An idle session can be ended by the server (idle_session_timeout), and the lock with it.
            KeepAlive = 30,
            ApplicationName = $"{ApplicationPrefix}pid {Environment.ProcessId} on host {Environment.MachineName}",
        }.ConnectionString);
        try
        {
            await session.OpenAsync(cancellation);
            var key = Key(persistenceId);
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", session);
            take.Parameters.AddWithValue("key", key);
            if (await take.ExecuteScalarAsync(cancellation) is not true)
                throw new RunInUseException(
                    $"the ledger {persistenceId} on PostgreSQL is in use by another learner ({await HolderAsync(session, key, cancellation)}); " +
                    "one learner per persistence id: wait for it to finish, or give this run its own actorrl.persistence.persistence-id");
            return new JournalFence(session);
        }
        catch (NpgsqlException e)
        {
            await session.DisposeAsync();
            // Unfenced, a second learner could not be told apart: no run starts without the fence.
            throw new Pipeline.ExplainedRunFailure($"cannot fence the ledger {persistenceId} on PostgreSQL, so the run does not start: {e.Message}");
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>The advisory lock's key: the first 8 bytes of SHA-256 of the id (stable across processes and versions).</summary>
    public static long Key(string persistenceId) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("actorrl.learner/" + persistenceId)));

    /// <summary>Who holds the key, from pg_locks (a bigint key is shown as classid = high half, objid = low half, objsubid = 1).</summary>
    private static async Task<string> HolderAsync(NpgsqlConnection session, long key, CancellationToken cancellation)
    {
        await using var query = new NpgsqlCommand("""
            SELECT l.pid, a.application_name FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::bigint = @high AND l.objid::bigint = @low
            """, session);
        query.Parameters.AddWithValue("high", (long)((ulong)key >> 32));
        query.Parameters.AddWithValue("low", key & 0xFFFF_FFFFL);
        await using var row = await query.ExecuteReaderAsync(cancellation);
        if (!await row.ReadAsync(cancellation)) return "released just now: run again";
        var backend = row.GetInt32(0);
        var application = row.IsDBNull(1) ? "" : row.GetString(1);
        return application.StartsWith(ApplicationPrefix, StringComparison.Ordinal)
            ? $"{application[ApplicationPrefix.Length..]}, PostgreSQL backend {backend}"
            : $"PostgreSQL backend {backend}";
    }

    public void Dispose() => _session?.Dispose();
}
