using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;

namespace ActorRL.Engine.Tests.Persistence;

/// <summary>
/// The real SQL journal with an outage switch: while <see cref="FailingWrites"/> is above zero, each write fails
/// (as a dropped database connection does) and counts it down. Selected by overriding the sql journal's class.
/// </summary>
public sealed class FlakyJournal(Config journalConfig) : SqlWriteJournal(journalConfig)
{
    public const string ClassOverride =
        "akka.persistence.journal.sql.class = \"ActorRL.Engine.Tests.Persistence.FlakyJournal, ActorRL.Engine.Tests\"";

    private static int _failingWrites;
    private static int _failed;

    public static int FailingWrites
    {
        get => Volatile.Read(ref _failingWrites);
        set
        {
            Volatile.Write(ref _failingWrites, value);
            Volatile.Write(ref _failed, 0);
        }
    }

    /// <summary>Writes that failed since the switch was last set.</summary>
    public static int Failed => Volatile.Read(ref _failed);

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _failingWrites) >= 0)
        {
            Interlocked.Increment(ref _failed);
            throw new IOException("simulated journal outage: connection refused");
        }
        return base.WriteMessagesAsync(messages, cancellationToken);
    }
}
