using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Npgsql;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// Reads a ledger's whole journal, oldest event first, ignoring snapshots: the audit trail of a run (which prompts
/// each step consumed, every commit and resume). Used by tests and <c>actorrl ledger</c>.
/// </summary>
public static class LedgerHistory
{
    /// <exception cref="LedgerUnreadableException">The journal cannot be read (e.g. its PostgreSQL server cannot be reached).</exception>
    public static async Task<IReadOnlyList<ILedgerEvent>> ReadAsync(PersistenceSettings settings, string runDirectory, TimeSpan? timeout = null)
    {
        try
        {
            return await ReadJournalAsync(settings, runDirectory, timeout);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            throw new LedgerUnreadableException($"cannot read the ledger of {runDirectory} ({Core.Configuration.SettingNames.Of(settings.Provider)}): {e.Message}", e);
        }
    }

    private static async Task<IReadOnlyList<ILedgerEvent>> ReadJournalAsync(PersistenceSettings settings, string runDirectory, TimeSpan? timeout)
    {
        // The journal plugin retries an unreachable server until the timeout, logging each attempt: ask once, first.
        if (settings.Provider == PersistenceProvider.Postgres) await CheckReachableAsync(settings.ConnectionString!);
        // Failures reach the caller as exceptions; the reader's actor system logs nothing of its own.
        var config = LedgerConfig.Build(settings, runDirectory)
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF"));
        using var system = ActorSystem.Create("actorrl-ledger-reader", config);
        var done = new TaskCompletionSource<IReadOnlyList<ILedgerEvent>>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new Reader(settings.PersistenceIdFor(runDirectory), done)));
        try
        {
            return await done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task CheckReachableAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"the PostgreSQL server cannot be reached: {e.Message}", e);
        }
    }

    /// <summary>Every prompt id consumed by a step that counts: steps voided by a later resume are left out.</summary>
    public static IReadOnlyList<StepTrained> EffectiveSteps(IReadOnlyList<ILedgerEvent> history)
    {
        var steps = new SortedDictionary<int, StepTrained>();
        foreach (var e in history)
        {
            switch (e)
            {
                case StepTrained s:
                    steps[s.Step] = s;
                    break;
                case RunResumed r:
                    foreach (var voided in steps.Keys.Where(k => k > r.FromStep).ToList()) steps.Remove(voided);
                    break;
            }
        }
        return steps.Values.ToList();
    }

    private sealed class Reader : ReceivePersistentActor
    {
        private readonly List<ILedgerEvent> _events = new();
        private readonly TaskCompletionSource<IReadOnlyList<ILedgerEvent>> _done;

        public Reader(string persistenceId, TaskCompletionSource<IReadOnlyList<ILedgerEvent>> done)
        {
            PersistenceId = persistenceId;
            _done = done;
            Recover<ILedgerEvent>(e => _events.Add(e));
            Recover<RecoveryCompleted>(_ =>
            {
                done.TrySetResult(_events);
                Context.Stop(Self);
            });
        }

        public override string PersistenceId { get; }

        // Replay every event from the first: snapshots would skip the history this reader is for.
        public override Recovery Recovery => new(SnapshotSelectionCriteria.None);

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            _done.TrySetException(new InvalidOperationException($"could not read the ledger {PersistenceId}: {reason.Message}", reason));
            base.OnRecoveryFailure(reason, message);
        }
    }
}
