namespace ActorRL.Engine.Persistence;

/// <summary>
/// A run's ledger cannot be read (its PostgreSQL server is down, the journal is corrupt, recovery timed out). Every
/// command that reads a ledger (train's summary, eval, export, ledger) ends with this one line, exit 1, not a stack trace.
/// </summary>
public sealed class LedgerUnreadableException(string message, Exception inner) : Pipeline.ExplainedRunFailure(message, inner);
