using System.Security.Cryptography;
using System.Text.Json;
using ActorRL.Engine.Persistence;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>
/// <c>run.deterministic = true</c> on the shipped main job's settings (its verifier pool, evaluation and warm start),
/// shortened and synchronous: two uninterrupted runs and one killed with SIGKILL mid-step and resumed end with the
/// same bits.
/// </summary>
public sealed class ReproducibleRunTests : IDisposable
{
    private const int RlSteps = 40;
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-reproducible-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ChildRun MainJob(string name) => ChildRun.Of(_root, name, "samples/arithmetic/pipeline.conf",
        $"run.deterministic = true\npipeline {{ max-staleness = 0, rl-steps = {RlSteps} }}\nwarm-start.steps = 60");

    private static async Task<string> PolicyHash(ChildRun run)
    {
        var policy = await RunPolicy.FindAsync(run.Settings.Persistence, run.RunDirectory);
        Assert.Equal(RlSteps, policy.Checkpoint.Step);
        return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(policy.Directory, "weights.safetensors"))));
    }

    /// <summary>Every learner step's and evaluation's values, wall-clock timings left out.</summary>
    private static List<string> Trajectory(ChildRun run) => File.ReadLines(run.Metrics)
        .Select(l => JsonDocument.Parse(l).RootElement)
        .Select(e => string.Join(" ", e.EnumerateObject()
            .Where(p => !p.Name.Contains("seconds"))
            .Select(p => $"{p.Name}={p.Value.GetRawText()}")))
        .ToList();

    [Fact]
    [Trait("Category", "Slow")]
    public async Task The_main_job_run_deterministically_reproduces_bit_for_bit_run_to_run_and_across_a_kill_and_resume()
    {
        var first = MainJob("first");
        var second = MainJob("second");
        var killed = MainJob("killed");
        var limit = TimeSpan.FromMinutes(10);

        foreach (var run in new[] { first, second })
        {
            var (code, output) = await run.RunAsync(timeout: limit);
            Assert.True(code == 0, output);
        }
        // Inside step 32: the run resumes from its step-25 checkpoint and trains steps 26..40 again.
        var (killedCode, killedOutput) = await killed.RunAsync("step:32", limit);
        Assert.True(killedCode == ChildRun.Killed, killedOutput);
        var (resumedCode, resumedOutput) = await killed.RunAsync(timeout: limit);
        Assert.True(resumedCode == 0, resumedOutput);
        Assert.Contains("Resuming the run", resumedOutput);

        var expected = await PolicyHash(first);
        Assert.Equal(expected, await PolicyHash(second));
        Assert.Equal(expected, await PolicyHash(killed));
        Assert.Equal(Trajectory(first), Trajectory(second));
        Assert.Equal(Trajectory(first), Trajectory(killed));
    }
}
