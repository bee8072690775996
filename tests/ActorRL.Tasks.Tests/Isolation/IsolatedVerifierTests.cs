using System.Diagnostics;
using ActorRL.Tasks.Isolation;

namespace ActorRL.Tasks.Tests.Isolation;

public class IsolatedVerifierTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// On the response "hang" it ignores its cancellation token and blocks until released — the worst kind of
    /// third-party verifier; on anything else it answers at once.
    /// </summary>
    private sealed class StuckVerifier : IAnswerVerifier
    {
        public readonly ManualResetEventSlim Release = new();

        public Verdict Verify(string gold, string response, CancellationToken cancellation = default)
        {
            if (response == "hang") Release.Wait();
            return new Verdict(gold == response, true, response);
        }
    }

    /// <summary>Takes a fixed time, then answers.</summary>
    private sealed class SlowVerifier(TimeSpan delay) : IAnswerVerifier
    {
        public Verdict Verify(string gold, string response, CancellationToken cancellation = default)
        {
            Thread.Sleep(delay);
            return new Verdict(true, true, response);
        }
    }

    /// <summary>Loops until cancelled, as our own verifiers do on pathological input.</summary>
    private sealed class CooperativeSlowVerifier : IAnswerVerifier
    {
        public Verdict Verify(string gold, string response, CancellationToken cancellation = default)
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                Thread.Sleep(5);
            }
        }
    }

    private sealed class ThrowingVerifier : IAnswerVerifier
    {
        public Verdict Verify(string gold, string response, CancellationToken cancellation = default) =>
            throw new InvalidOperationException("verifier bug");
    }

    private sealed class EchoVerifier : IAnswerVerifier
    {
        public Verdict Verify(string gold, string response, CancellationToken cancellation = default) =>
            new(gold == response, true, response);
    }

    [Fact]
    public async Task A_hung_verifier_times_out_with_reward_zero_and_its_worker_is_replaced()
    {
        var stuck = new StuckVerifier();
        using var isolated = new IsolatedVerifier(stuck, Short, workers: 1);
        var clock = Stopwatch.StartNew();

        var first = await isolated.VerifyAsync("1", "hang");
        var second = await isolated.VerifyAsync("1", "hang");

        // The runtime's timers may fire up to a tick early (CI saw 398.9 ms for 2 × 200 ms), so allow 25 ms of slack below.
        Assert.InRange(clock.Elapsed, 2 * Short - TimeSpan.FromMilliseconds(25), 2 * Short + TimeSpan.FromSeconds(3));
        Assert.Null(first.Verdict);
        Assert.Equal(VerifierFailure.Timeout, first.Failure);
        Assert.Equal("timeout", first.Failure.Reason());
        Assert.True(first.FirstOfItsKind);
        Assert.False(second.FirstOfItsKind);
        Assert.Equal(2, isolated.Timeouts);
        Assert.Equal(2, isolated.Hung);

        // Both hung workers were replaced: a healthy call still gets a verdict at once.
        var healthy = await isolated.VerifyAsync("1", "1");
        Assert.True(healthy.Verdict!.Correct);

        stuck.Release.Set();
        await WaitUntil(() => isolated.Hung == 0);
    }

    [Fact]
    public async Task Waiting_in_the_queue_does_not_count_against_the_timeout()
    {
        using var isolated = new IsolatedVerifier(new SlowVerifier(TimeSpan.FromMilliseconds(100)), TimeSpan.FromMilliseconds(400), workers: 1);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => isolated.VerifyAsync("1", "1")));
        Assert.All(outcomes, o => Assert.Equal(VerifierFailure.None, o.Failure));
    }

    [Fact]
    public async Task A_verifier_that_observes_cancellation_frees_its_thread_after_the_timeout()
    {
        using var isolated = new IsolatedVerifier(new CooperativeSlowVerifier(), Short);
        var outcome = await isolated.VerifyAsync("1", "1");
        Assert.Equal(VerifierFailure.Timeout, outcome.Failure);
        await WaitUntil(() => isolated.Hung == 0);
    }

    [Fact]
    public async Task A_throwing_verifier_yields_an_exception_outcome_and_the_next_call_still_works()
    {
        using var isolated = new IsolatedVerifier(new ThrowingVerifier(), TimeSpan.FromSeconds(5));
        var outcome = await isolated.VerifyAsync("1", "1");
        Assert.Null(outcome.Verdict);
        Assert.Equal(VerifierFailure.Exception, outcome.Failure);
        Assert.Equal("exception", outcome.Failure.Reason());
        Assert.Contains("InvalidOperationException: verifier bug", outcome.Detail);
        Assert.True(outcome.FirstOfItsKind);
        Assert.False((await isolated.VerifyAsync("1", "1")).FirstOfItsKind);
        Assert.Equal(2, isolated.Exceptions);
        Assert.Equal(0, isolated.Timeouts);
    }

    [Fact]
    public async Task A_healthy_verifier_passes_its_verdict_through()
    {
        using var isolated = new IsolatedVerifier(new EchoVerifier(), TimeSpan.FromSeconds(5));
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => isolated.VerifyAsync("7", i % 2 == 0 ? "7" : "8")));
        Assert.All(results, r => Assert.Equal(VerifierFailure.None, r.Failure));
        Assert.Equal(100, results.Count(r => r.Verdict!.Correct));
        Assert.Equal((0L, 0L, 0L), (isolated.Timeouts, isolated.Exceptions, isolated.Hung));
    }

    [Fact]
    public void The_blocking_form_gives_the_same_outcomes()
    {
        using var throwing = new IsolatedVerifier(new ThrowingVerifier(), Short);
        using var echo = new IsolatedVerifier(new EchoVerifier(), Short);
        Assert.Equal(VerifierFailure.Exception, throwing.Verify("1", "1").Failure);
        Assert.True(echo.Verify("1", "1").Verdict!.Correct);
    }

    [Fact]
    public async Task Our_math_verifier_runs_isolated_on_hostile_input_without_failing()
    {
        using var isolated = new IsolatedVerifier(new ActorRL.Tasks.MathAnswers.MathVerifier(), TimeSpan.FromSeconds(5));
        var outcome = await isolated.VerifyAsync("1", @"\boxed{" + string.Concat(Enumerable.Repeat("(", 100_000)) + "}");
        Assert.Equal(VerifierFailure.None, outcome.Failure);
        Assert.False(outcome.Verdict!.Correct);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 5 s");
            await Task.Delay(10);
        }
    }
}
