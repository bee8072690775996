using System.Security.Cryptography;
using System.Text.Json;
using ActorRL.Engine.Persistence;
using ActorRL.Tasks;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>
/// The main job killed with SIGKILL at chosen points (inside a step, between writing a checkpoint and committing
/// it, right after a commit) and at an arbitrary moment from outside, then restarted until it finishes.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-crash-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static int[] RlSteps(string metrics) => File.ReadLines(metrics)
        .Select(l => JsonDocument.Parse(l).RootElement)
        .Where(e => e.GetProperty("kind").GetString() == "rl")
        .Select(e => e.GetProperty("step").GetInt32())
        .ToArray();

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Killed_anywhere_the_main_job_resumes_and_trains_on_every_prompt_exactly_once()
    {
        const int steps = 8;
        var run = new ChildRun(_root, "crashes", maxStaleness: 2, rlSteps: steps, checkpointEvery: 2);

        foreach (var point in new[] { "step:3", "checkpoint-write:4", "after-checkpoint:6" })
        {
            var (code, output) = await run.RunAsync(point);
            Assert.True(code == ChildRun.Killed, $"expected a kill at {point}, exit {code}:\n{output}");
        }

        // From outside, during a step: as soon as the resumed run reports its first new learner step.
        using (var process = run.Start())
        {
            var before = File.ReadLines(run.Metrics).Count();
            while (!process.HasExited && File.ReadLines(run.Metrics).Count() <= before) await Task.Delay(20);
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
        }

        var (finalCode, finalOutput) = await run.RunAsync();
        Assert.True(finalCode == 0, finalOutput);
        Assert.Contains("Resuming the run", finalOutput);

        var history = await LedgerHistory.ReadAsync(run.Settings.Persistence, run.RunDirectory);
        var effective = LedgerHistory.EffectiveSteps(history);
        Assert.Equal(Enumerable.Range(1, steps), effective.Select(s => s.Step));
        var consumed = effective.SelectMany(s => s.PromptIds).ToList();
        Assert.Equal(consumed.Count, consumed.Distinct().Count());
        var task = ActorRL.Tasks.TaskFactory.Create(run.Settings.Task, run.Settings.Verifier, run.Settings.Run.Seed);
        var firstPrompts = new PromptStream(task, PromptCursor.Start).Take(steps * 4).Select(p => p.Id);
        Assert.Equal(firstPrompts.Order(), consumed.Order());
        Assert.True(history.OfType<RunResumed>().Count() >= 4, "every restart resumes from the ledger");
        Assert.Equal(Enumerable.Range(1, steps), RlSteps(run.Metrics));
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.RunDirectory, "summary.json"))).RootElement;
        Assert.Equal(steps, summary.GetProperty("steps").GetInt32());
        Assert.Equal(steps, summary.GetProperty("final_version").GetInt64());
    }

    [Fact]
    public async Task A_synchronous_run_interrupted_after_a_checkpoint_resumes_to_bit_identical_weights()
    {
        var straight = new ChildRun(_root, "straight", maxStaleness: 0, rlSteps: 4, checkpointEvery: 2);
        var interrupted = new ChildRun(_root, "interrupted", maxStaleness: 0, rlSteps: 4, checkpointEvery: 2);

        var (straightCode, straightOutput) = await straight.RunAsync();
        Assert.True(straightCode == 0, straightOutput);
        var (killedCode, killedOutput) = await interrupted.RunAsync("after-checkpoint:2");
        Assert.True(killedCode == ChildRun.Killed, killedOutput);
        var (resumedCode, resumedOutput) = await interrupted.RunAsync();
        Assert.True(resumedCode == 0, resumedOutput);

        // Same prompts, same sampling seeds (derived from the prompts), same optimizer state: the same bits.
        async Task<string> PolicyHash(ChildRun r)
        {
            var policy = await RunPolicy.FindAsync(r.Settings.Persistence, r.RunDirectory);
            Assert.Equal(4, policy.Checkpoint.Step);
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(policy.Directory, "weights.safetensors"))));
        }
        Assert.Equal(await PolicyHash(straight), await PolicyHash(interrupted));
        Assert.Equal(RlSteps(straight.Metrics), RlSteps(interrupted.Metrics));
    }

    [Fact]
    public async Task A_run_resumed_with_a_KL_penalty_still_penalises_against_the_policy_RL_started_from()
    {
        // A learning rate that moves the weights, so the policy at step 2 is far from the one RL started from.
        var run = new ChildRun(_root, "kl", maxStaleness: 0, rlSteps: 4, checkpointEvery: 2,
            "algorithm.kl { coef = 0.05, reference = initial }\nlearner { lr = 1e-2, warmup-steps = 0 }");
        var (killedCode, killedOutput) = await run.RunAsync("after-checkpoint:2");
        Assert.True(killedCode == ChildRun.Killed, killedOutput);
        var (resumedCode, resumedOutput) = await run.RunAsync();
        Assert.True(resumedCode == 0, resumedOutput);
        Assert.Contains("Resuming the run", resumedOutput);

        // The reference is the policy after the warm start (step 0's weights) in every checkpoint, the resumed run's too.
        using var scope = TorchSharp.torch.NewDisposeScope();
        Dictionary<string, TorchSharp.torch.Tensor> Tensors(string relative) =>
            Model.SafeTensors.SafeTensorsReader.ReadAll(Path.Combine(run.RunDirectory, "checkpoints", relative)).Tensors;
        bool Same(Dictionary<string, TorchSharp.torch.Tensor> a, Dictionary<string, TorchSharp.torch.Tensor> b) =>
            a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && kv.Value.shape.SequenceEqual(other.shape) && kv.Value.data<float>().SequenceEqual(other.data<float>()));
        var rlStart = Tensors("step-000000/weights.safetensors");
        foreach (var step in new[] { "step-000000", "step-000002", "step-000004" })
            Assert.True(Same(rlStart, Tensors($"{step}/reference/weights.safetensors")), $"{step}'s KL reference is not the policy RL started from");
        Assert.False(Same(rlStart, Tensors("step-000002/weights.safetensors")), "RL moved the policy");
    }

    [Fact]
    public async Task With_every_checkpoint_corrupt_train_exits_1_and_says_how_to_start_over()
    {
        var run = new ChildRun(_root, "ruined", maxStaleness: 1, rlSteps: 2, checkpointEvery: 1);
        var (code, output) = await run.RunAsync();
        Assert.True(code == 0, output);
        foreach (var weights in Directory.GetFiles(Path.Combine(run.RunDirectory, "checkpoints"), "weights.safetensors", SearchOption.AllDirectories))
            File.WriteAllBytes(weights, new byte[16]);

        var (again, message) = await run.RunAsync();

        Assert.Equal(1, again);
        Assert.Contains("actorrl: cannot resume: no intact checkpoint", message);
        Assert.Contains("start over with --fresh", message);
        Assert.Contains("Refusing checkpoint of step 2", message);
        Assert.DoesNotContain("   at ", message); // no stack trace
    }
}
