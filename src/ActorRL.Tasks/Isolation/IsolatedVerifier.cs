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
/// a reward of 0 and never stops the pipeline.
/// </summary>
/// <remarks>
/// Each call runs on its own dedicated thread, not on the .NET thread pool: the actor system's dispatchers run
/// on the pool, and a hung verifier must not starve them. When the time-out passes, the call's cancellation token
/// is cancelled; our verifiers check it in every parser and evaluator step, so they stop and the thread ends
/// promptly. A third-party verifier that ignores the token cannot be stopped from the outside in .NET (threads
/// cannot be aborted): its thread is abandoned as a background thread (it does not keep the process alive) and
/// counted in <see cref="Hung"/>, so the leak is visible in metrics rather than silent.
/// </remarks>
public sealed class IsolatedVerifier(IAnswerVerifier inner, TimeSpan timeout)
{
    private long _timeouts;
    private long _exceptions;
    private long _hung;

    public TimeSpan Timeout { get; } = timeout > TimeSpan.Zero ? timeout : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be positive");

    /// <summary>Verifications that timed out so far.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Verifications that threw so far.</summary>
    public long Exceptions => Interlocked.Read(ref _exceptions);

    /// <summary>Timed-out verifications whose thread is still running (they ignored cancellation).</summary>
    public long Hung => Interlocked.Read(ref _hung);

    public async Task<VerifierOutcome> VerifyAsync(string gold, string response)
    {
        // Not disposed: an abandoned call may still read the token after we return. A source without timers or
        // registrations owns no unmanaged resources, so the collector reclaims it.
        var cancellation = new CancellationTokenSource();
        var call = new TaskCompletionSource<Verdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = Running;
        var thread = new Thread(() =>
        {
            try
            {
                call.TrySetResult(inner.Verify(gold, response, cancellation.Token));
            }
            catch (Exception e)
            {
                call.TrySetException(e);
            }
            finally
            {
                if (Interlocked.Exchange(ref state, Finished) == Abandoned) Interlocked.Decrement(ref _hung);
            }
        })
        {
            IsBackground = true,
            Name = "verifier",
        };
        thread.Start();

        try
        {
            await call.Task.WaitAsync(Timeout).ConfigureAwait(false);
        }
        catch
        {
            // Decided below from the call's state: a verdict that arrived at the last moment still counts.
        }

        if (call.Task.IsCompletedSuccessfully) return VerifierOutcome.Of(call.Task.Result);
        if (call.Task.IsFaulted)
        {
            var error = call.Task.Exception!.InnerException!;
            var firstException = Interlocked.Increment(ref _exceptions) == 1;
            return new VerifierOutcome(null, VerifierFailure.Exception, $"{error.GetType().Name}: {error.Message}", firstException);
        }

        // Count the thread as hung before marking it abandoned, so the count never dips below zero; undo it
        // if the thread finished in between.
        Interlocked.Increment(ref _hung);
        if (Interlocked.CompareExchange(ref state, Abandoned, Running) != Running) Interlocked.Decrement(ref _hung);
        await cancellation.CancelAsync().ConfigureAwait(false);
        var firstTimeout = Interlocked.Increment(ref _timeouts) == 1;
        return new VerifierOutcome(null, VerifierFailure.Timeout, $"no verdict within {Timeout.TotalMilliseconds:0} ms", firstTimeout);
    }

    private const int Running = 0, Finished = 1, Abandoned = 2;

    /// <summary>Blocking form of <see cref="VerifyAsync"/> for callers without an async context.</summary>
    public VerifierOutcome Verify(string gold, string response) => VerifyAsync(gold, response).GetAwaiter().GetResult();
}
