using System.Diagnostics;

namespace ActorRL.Cli.Tests;

/// <summary>Waits for a condition instead of sleeping for a guessed time (two loaded cores make any fixed delay flaky).</summary>
internal static class Poll
{
    public static Task Until(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        Until(() => Task.FromResult(condition()), timeout, describe);

    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout) Assert.Fail($"not within {timeout.TotalSeconds:0} s: {describe()}");
            await Task.Delay(20);
        }
    }
}
