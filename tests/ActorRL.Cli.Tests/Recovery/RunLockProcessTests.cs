using System.Diagnostics;
using System.Security.Cryptography;
using ActorRL.Engine.Persistence;
using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>
/// One learner per run directory, with real processes: a running <c>actorrl train</c> keeps a second one out of
/// its directory, and one killed with SIGKILL leaves nothing that keeps the next one out.
/// </summary>
public sealed class RunLockProcessTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-runlock-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Every file of the run and its SHA-256, but the lock file, which flock keeps even readers out of.</summary>
    private static SortedDictionary<string, string> Fingerprint(string runDirectory) => new(
        Directory.GetFiles(runDirectory, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != RunLock.LockFile)
            .ToDictionary(f => Path.GetRelativePath(runDirectory, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))),
        StringComparer.Ordinal);

    [Fact]
    public async Task A_second_train_on_a_running_run_exits_2_naming_the_holder_and_changes_nothing_even_with_fresh()
    {
        // A run with a ledger and checkpoints, then a longer one that resumes it: the learner the second train meets.
        var (doneCode, doneOutput) = await new ChildRun(_root, "run", maxStaleness: 1, rlSteps: 2, checkpointEvery: 1).RunAsync();
        Assert.True(doneCode == 0, doneOutput);
        var first = new ChildRun(_root, "run", maxStaleness: 1, rlSteps: 5, checkpointEvery: 1);
        // Disposed with SIGKILL, which ends a stopped process too.
        using var learner = await first.LaunchUntilAsync(l => RunLockHolder.Read(first.RunDirectory)?.Pid == l.Id,
            "the learner recorded itself as the lock's holder", Generous);

        // Stopped, the learner still holds the lock but writes nothing: any change is the second train's.
        await ProcessSignals.WhileStoppedAsync(learner.Id, async () =>
        {
            Assert.True(File.Exists(Path.Combine(first.RunDirectory, PersistenceSettings.LedgerFile)));
            var before = Fingerprint(first.RunDirectory);
            // Another configuration for the same directory: had it written config.conf, the fingerprint would show it.
            var second = Path.Combine(_root, "second.conf");
            File.WriteAllText(second, TinyJobConfig.Hocon(first.RunDirectory, maxStaleness: 0, rlSteps: 3, "run.seed = 6"));

            foreach (var args in new[] { new[] { "train", second }, new[] { "train", second, "--fresh", "--yes" } })
            {
                var clock = Stopwatch.StartNew();
                var (code, output, error) = await CliRunner.Run(args);

                Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}\n{output}\n{error}");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"refused only after {clock.Elapsed.TotalSeconds:0} s");
                Assert.Equal("", output);
                var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.Contains($"pid {learner.Id} on host {Environment.MachineName}", line);
                Assert.Contains("in use by another learner", line);
            }
            Assert.Equal(before, Fingerprint(first.RunDirectory));
        });

        var exit = await learner.WaitAsync(Generous);
        Assert.True(exit == 0, learner.Tail());
        var history = await LedgerHistory.ReadAsync(first.Settings.Persistence, first.RunDirectory);
        Assert.Equal(Enumerable.Range(1, 5), LedgerHistory.EffectiveSteps(history).Select(s => s.Step));
        Assert.False(File.Exists(Path.Combine(first.RunDirectory, RunLock.HolderFile)), "a learner that ends removes its holder record");
    }

    [Fact]
    public async Task After_the_learner_is_killed_with_SIGKILL_a_new_train_takes_the_lock_and_resumes()
    {
        var run = new ChildRun(_root, "killed", maxStaleness: 1, rlSteps: 4, checkpointEvery: 2);
        var (killedCode, killedOutput) = await run.RunAsync("after-checkpoint:2", Generous);
        Assert.True(killedCode == ChildRun.Killed, $"expected a SIGKILL after the checkpoint of step 2, exit {killedCode}:\n{killedOutput}");
        var stale = RunLockHolder.Read(run.RunDirectory);
        Assert.True(stale is not null, "SIGKILL leaves the holder record behind; only the lock, gone with the process, decides");

        var (code, output) = await run.RunAsync(timeout: Generous);

        Assert.True(code == 0, output);
        Assert.Contains("Resuming the run", output);
        var history = await LedgerHistory.ReadAsync(run.Settings.Persistence, run.RunDirectory);
        Assert.Equal(2, history.OfType<RunResumed>().Last().FromStep);
        Assert.Equal(Enumerable.Range(1, 4), LedgerHistory.EffectiveSteps(history).Select(s => s.Step));
    }
}
