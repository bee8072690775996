using ActorRL.Engine.Persistence;

namespace ActorRL.Engine.Tests.Persistence;

/// <summary>
/// The run directory's lock within one process (flock excludes a second open of the file here too). The second
/// process, and a holder killed with -9, are tested with real `actorrl train` processes in ActorRL.Cli.Tests.
/// </summary>
public sealed class RunLockTests : IDisposable
{
    private readonly string _run = Path.Combine(Directory.CreateTempSubdirectory("actorrl-lock-").FullName, "run");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_run)!, recursive: true);

    [Fact]
    public void A_second_lock_on_a_held_run_directory_is_refused_in_one_line_naming_the_holder()
    {
        using var held = RunLock.Acquire(_run);

        var refused = Assert.Throws<RunInUseException>(() => RunLock.Acquire(_run));

        Assert.Contains($"pid {Environment.ProcessId} on host {Environment.MachineName}", refused.Message);
        Assert.Contains(_run, refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public void The_holder_is_recorded_while_it_holds_the_lock_and_the_record_goes_with_it()
    {
        var holderFile = Path.Combine(_run, RunLock.HolderFile);
        using (RunLock.Acquire(_run))
        {
            var holder = RunLockHolder.Read(_run);
            Assert.NotNull(holder);
            Assert.Equal(Environment.ProcessId, holder.Pid);
            Assert.Equal(Environment.MachineName, holder.Host);
        }
        Assert.False(File.Exists(holderFile));
        Assert.True(File.Exists(Path.Combine(_run, RunLock.LockFile)), "the lock file stays: deleting it would let two learners lock different files");

        using var next = RunLock.Acquire(_run);
        Assert.Equal(Environment.ProcessId, RunLockHolder.Read(_run)!.Pid);
    }

    [Fact]
    public void A_record_left_by_a_dead_learner_neither_blocks_the_lock_nor_names_the_dead_as_holder()
    {
        Directory.CreateDirectory(_run);
        var dead = new RunLockHolder(int.MaxValue - 1, Environment.MachineName, DateTimeOffset.UtcNow.AddHours(-1));
        dead.WriteTo(_run);

        using var held = RunLock.Acquire(_run);

        Assert.Equal(Environment.ProcessId, RunLockHolder.Read(_run)!.Pid);
        var refused = Assert.Throws<RunInUseException>(() => RunLock.Acquire(_run));
        Assert.Contains($"pid {Environment.ProcessId} ", refused.Message);
    }
}
