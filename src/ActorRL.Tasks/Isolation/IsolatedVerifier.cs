using System.Collections.Concurrent;

namespace ActorRL.Tasks.Isolation;

/// <summary>
/// What an isolated verification returned: a verdict, or a failure with its detail (the exception's type and
/// message). <see cref="FirstOfItsKind"/> is true for the first failure of each kind this wrapper has seen, so the
/// caller can log each kind once and count the rest.
/// </summary>
public sealed record VerifierOutcome(Verdict? Verdict, VerifierFailure Failure, string? Detail, bool FirstOfItsKind)
{
    public static VerifierOutcome Of(Verdict verdict) => new(verdict, VerifierFailure.None, null, false);
}

/// <summary>
/// Runs a verifier with a time-out and catches its exceptions, so a hung or throwing verifier costs one response
/// a reward of 0 and never stops the pipeline. Thread-safe; many verifications may be in flight at once.
/// </summary>
/// <remarks>
/// Calls run on a small pool of dedicated worker threads, not on the .NET thread pool: the actor system's
/// dispatchers run on the pool, and a hung verifier must not starve them. The time-out clock starts when a worker
/// picks the call up (waiting in the queue behind other calls is not the verifier's fault). When it passes, the
/// call's cancellation token is cancelled: our verifiers check it in every parser and evaluator step, so they stop
/// and the worker carries on. A third-party verifier that ignores the token cannot be stopped from the outside
/// (.NET cannot abort a thread): its worker is written off — counted in <see cref="Hung"/> and replaced by a fresh
/// worker so capacity stays the same — and retires if the call ever returns. Workers are background threads, so a
/// hung one never keeps the process alive.
/// </remarks>
public sealed class IsolatedVerifier : IDisposable
{
    private readonly IAnswerVerifier _inner;
    private readonly BlockingCollection<Call> _queue = new();
    private long _timeouts;
    private long _exceptions;
    private long _hung;
    private int _workerNumber;

    /// <param name="inner">The verifier to isolate.</param>
    /// <param name="timeout">Longest one call may run (<c>actorrl.verifier.timeout</c>).</param>
    /// <param name="workers">Calls run at once; 0 = one per processor.</param>
    public IsolatedVerifier(IAnswerVerifier inner, TimeSpan timeout, int workers = 0)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be positive");
        if (workers < 0) throw new ArgumentOutOfRangeException(nameof(workers), workers, "must be ≥ 0");
        _inner = inner;
        Timeout = timeout;
        Workers = workers == 0 ? Environment.ProcessorCount : workers;
        for (var i = 0; i < Workers; i++) StartWorker();
    }

    public TimeSpan Timeout { get; }

    /// <summary>Healthy workers (hung ones are replaced, so this stays constant).</summary>
    public int Workers { get; }

    /// <summary>Verifications that timed out so far.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Verifications that threw so far.</summary>
    public long Exceptions => Interlocked.Read(ref _exceptions);

    /// <summary>Timed-out verifications still running on a written-off worker (they ignored cancellation).</summary>
    public long Hung => Interlocked.Read(ref _hung);

    public async Task<VerifierOutcome> VerifyAsync(string gold, string response)
    {
        var call = new Call(gold, response);
        _queue.Add(call);
        await call.Started.Task.ConfigureAwait(false);
        try
        {
            await call.Result.Task.WaitAsync(Timeout).ConfigureAwait(false);
        }
        catch
        {
            // Decided below from the call's state: a verdict that arrived at the last moment still counts.
        }

        if (call.Result.Task.IsCompletedSuccessfully) return VerifierOutcome.Of(call.Result.Task.Result);
        if (call.Result.Task.IsFaulted)
        {
            var error = call.Result.Task.Exception!.InnerException!;
            var firstException = Interlocked.Increment(ref _exceptions) == 1;
            return new VerifierOutcome(null, VerifierFailure.Exception, $"{error.GetType().Name}: {error.Message}", firstException);
        }

        // Count the worker as hung before marking the call abandoned, so the count never dips below zero; undo it
        // if the call finished in between. An abandoned call's worker is replaced at once.
        Interlocked.Increment(ref _hung);
        if (call.TryAbandon()) StartWorker();
        else Interlocked.Decrement(ref _hung);
        await call.Cancellation.CancelAsync().ConfigureAwait(false);
        var firstTimeout = Interlocked.Increment(ref _timeouts) == 1;
        return new VerifierOutcome(null, VerifierFailure.Timeout, $"no verdict within {Timeout.TotalMilliseconds:0} ms", firstTimeout);
    }

    /// <summary>Blocking form of <see cref="VerifyAsync"/> for callers without an async context.</summary>
    public VerifierOutcome Verify(string gold, string response) => VerifyAsync(gold, response).GetAwaiter().GetResult();

    /// <summary>Stops the workers once the queued calls are done; a hung worker stays written off.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private void StartWorker()
    {
        var thread = new Thread(Work)
        {
            IsBackground = true,
            Name = $"verifier-{Interlocked.Increment(ref _workerNumber)}",
        };
        thread.Start();
    }

    private void Work()
    {
        foreach (var call in _queue.GetConsumingEnumerable())
        {
            call.Started.TrySetResult();
            try
            {
                call.Result.TrySetResult(_inner.Verify(call.Gold, call.Response, call.Cancellation.Token));
            }
            catch (Exception e)
            {
                call.Result.TrySetException(e);
            }
            if (!call.TryFinish())
            {
                // Written off while it ran, and already replaced: this worker retires.
                Interlocked.Decrement(ref _hung);
                return;
            }
        }
    }

    /// <summary>One queued verification and the hand-shake between its caller and its worker.</summary>
    private sealed class Call(string gold, string response)
    {
        private const int Running = 0, Finished = 1, Abandoned = 2;
        private int _state = Running;

        public string Gold { get; } = gold;
        public string Response { get; } = response;
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<Verdict> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Not disposed: a written-off worker may still read the token. A source without timers or registrations
        // owns no unmanaged resources, so the collector reclaims it.
        public CancellationTokenSource Cancellation { get; } = new();

        /// <summary>The worker is done with it; false when the caller had already written it off.</summary>
        public bool TryFinish() => Interlocked.CompareExchange(ref _state, Finished, Running) == Running;

        /// <summary>The caller gives up on it; false when the worker had already finished.</summary>
        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Running) == Running;
    }
}
