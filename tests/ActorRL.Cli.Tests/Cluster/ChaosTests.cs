using System.Text.Json;
using ActorRL.Cli.Tests.Recovery;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;
using ActorRL.Tests.Shared;
using Xunit.Abstractions;

namespace ActorRL.Cli.Tests.Cluster;

/// <summary>
/// The cluster as processes on 127.0.0.1 through cycles of random faults while it trains: kill -9 of a generator
/// node, kill -9 of the learner (restarted on the same port and run directory, with fresh generator nodes), and a
/// partition of a generator (its process stopped for 5-15 s: heartbeats and data stop both ways while its
/// connections stay open; long enough, it is downed and its work requeued). Then the ledger is audited: the run
/// finished, every step is counted once, every prompt is trained on exactly once.
/// ACTORRL_CHAOS_SEED and ACTORRL_CHAOS_CYCLES replay or lengthen a run (docs/recovery.md).
/// </summary>
[Collection(nameof(ChaosTests))]
public sealed class ChaosTests(ITestOutputHelper output) : IDisposable
{
    // Long enough that the faults strike while it trains (a step takes well under a second here).
    private const int Steps = 250;
    private const int GroupsPerStep = 4;

    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-chaos-").FullName;
    private readonly List<NodeProcess> _processes = new();
    private int _nodes;

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string RunDirectory => Path.Combine(_dir, "run");

    private string WritePipeline(int learnerPort) =>
        ClusterRun.WritePipeline(_dir, learnerPort, Steps, GroupsPerStep, "persistence.checkpoint-every = 4");

    private NodeProcess Start(string name, params string[] args)
    {
        var process = new NodeProcess(name, args);
        _processes.Add(process);
        return process;
    }

    /// <summary>Replaces generator nodes that have exited, so two are always running (an operator's replica count).</summary>
    private void KeepTwo(List<NodeProcess> generators, string pipeline, string seed)
    {
        generators.RemoveAll(g => g.HasExited);
        while (generators.Count < 2) generators.Add(StartGenerator(pipeline, seed));
    }

    private NodeProcess StartGenerator(string pipeline, string seed) =>
        Start($"generator {++_nodes}", "node", "--role", "generator", "--seed-nodes", seed, "--config", pipeline);

    private int LatestRlStep() => ClusterRun.LatestRlStep(RunDirectory);

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Through_random_kills_of_generators_and_the_learner_and_partitions_the_run_finishes_and_trains_every_prompt_once()
    {
        try
        {
            await ChaosRun();
        }
        catch
        {
            // Every node's last lines, for a failure seen only in CI.
            foreach (var p in _processes) output.WriteLine($"--- {p.Name}:\n{p.Tail(60)}");
            throw;
        }
    }

    private async Task ChaosRun()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ACTORRL_CHAOS_SEED"), out var s) ? s : Environment.TickCount & 0xffff;
        var cycles = int.TryParse(Environment.GetEnvironmentVariable("ACTORRL_CHAOS_CYCLES"), out var c) ? c : 6;
        var random = new Random(seed);
        output.WriteLine($"chaos seed {seed}, {cycles} cycles (replay: ACTORRL_CHAOS_SEED={seed})");

        var learnerPort = NodeProcess.FreePort();
        var pipeline = WritePipeline(learnerPort);
        var seedNode = $"akka.tcp://actorrl@127.0.0.1:{learnerPort}";
        var learner = Start("learner 1", "train", pipeline);
        var generators = new List<NodeProcess> { StartGenerator(pipeline, seedNode), StartGenerator(pipeline, seedNode) };
        var faults = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var learners = 1;

        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            // Each fault strikes a run that is making progress: two more steps since the last one.
            var from = LatestRlStep();
            await Poll.Until(() =>
                {
                    KeepTwo(generators, pipeline, seedNode);
                    return LatestRlStep() >= from + 2 || learner.HasExited;
                }, TimeSpan.FromMinutes(4),
                () => $"no progress past step {from} in cycle {cycle}; learner:\n{learner.Tail()}");
            if (learner.HasExited) break;
            var step = LatestRlStep();
            KeepTwo(generators, pipeline, seedNode);
            switch (random.Next(3))
            {
                case 0:
                {
                    var victim = generators[random.Next(generators.Count)];
                    victim.KillHard();
                    generators.Remove(victim);
                    faults.Add($"step {step}: kill -9 {victim.Name}");
                    break;
                }
                case 1:
                    learner.KillHard();
                    foreach (var g in generators) g.KillHard();
                    generators.Clear();
                    await learner.WaitAsync(TimeSpan.FromSeconds(30));
                    learner = Start($"learner {++learners}", "train", pipeline);
                    faults.Add($"step {step}: kill -9 the learner and every generator node; learner restarted");
                    break;
                default:
                {
                    var victim = generators[random.Next(generators.Count)];
                    var seconds = 5 + random.Next(11);
                    await ProcessSignals.WhileStoppedAsync(victim.Id, () => Task.Delay(TimeSpan.FromSeconds(seconds)));
                    faults.Add($"step {step}: {victim.Name} partitioned for {seconds} s");
                    break;
                }
            }
            KeepTwo(generators, pipeline, seedNode);
        }

        // Like an operator's replica count: generator nodes that left (downed while the cores were starved, say) are
        // replaced until the run ends.
        await Poll.Until(() =>
            {
                KeepTwo(generators, pipeline, seedNode);
                return learner.HasExited;
            }, TimeSpan.FromMinutes(6), () => $"the last learner did not finish; learner:\n{learner.Tail()}");
        var code = await learner.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var fault in faults) output.WriteLine(fault);
        output.WriteLine($"{faults.Count} faults, {learners} learner processes, {_nodes} generator processes, {clock.Elapsed.TotalSeconds:0} s");
        Assert.True(code == 0, $"the last learner exited {code}:\n{learner.Tail()}");
        Assert.True(faults.Count >= Math.Min(cycles, 3), $"only {faults.Count} faults struck before the run ended: {string.Join("; ", faults)}");

        // The audit, from the ledger: the run finished, each of its steps counted once, each prompt trained on once.
        var settings = ActorRLSettings.FromConfig(PipelineConfig.Load(new[] { pipeline }, Array.Empty<string>(), new[] { RepositoryFiles.Path("hocon") }));
        var history = await LedgerHistory.ReadAsync(settings.Persistence, RunDirectory);
        Assert.Single(history.OfType<RunCompleted>());
        var effective = LedgerHistory.EffectiveSteps(history);
        Assert.Equal(Enumerable.Range(1, Steps), effective.Select(e => e.Step));
        var consumed = effective.SelectMany(e => e.PromptIds).ToList();
        Assert.Equal(Steps * GroupsPerStep, consumed.Count);
        Assert.Equal(consumed.Count, consumed.Distinct().Count());
        var task = ActorRL.Tasks.TaskFactory.Create(settings.Task, settings.Verifier, settings.Run.Seed);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RunDirectory, "summary.json")));
        var quarantined = summary.RootElement.GetProperty("prompts_quarantined").EnumerateArray().Select(q => q.GetProperty("prompt_id").GetString()).ToHashSet();
        // Nothing skipped: the consumed prompts are the stream's first ones, less any quarantined (a prompt whose attempts kept dying).
        var expected = new ActorRL.Tasks.PromptStream(task, ActorRL.Tasks.PromptCursor.Start).Take(Steps * GroupsPerStep + quarantined.Count)
            .Select(p => p.Id).Where(id => !quarantined.Contains(id));
        Assert.Equal(expected.Order(), consumed.Order());
        Assert.True(history.OfType<RunResumed>().Count() >= learners - 1, "every restarted learner resumed from the ledger");
        output.WriteLine($"audit: {Steps} steps once each, {consumed.Count} prompts once each, {quarantined.Count} quarantined, {history.OfType<RunResumed>().Count()} resumes");
    }
}

/// <summary>The chaos test runs alone: other process tests on the same two cores would make its faults theirs.</summary>
[CollectionDefinition(nameof(ChaosTests), DisableParallelization = true)]
public sealed class ChaosTestsCollection;
