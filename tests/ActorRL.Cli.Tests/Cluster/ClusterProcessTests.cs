using System.Text.Json;

namespace ActorRL.Cli.Tests.Cluster;

/// <summary>
/// A training cluster of real processes on 127.0.0.1: a learner node and generator nodes, one of which is
/// killed with SIGKILL mid-run while another joins late.
/// </summary>
public sealed class ClusterProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-cluster-").FullName;
    private readonly List<NodeProcess> _processes = new();

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private const int Steps = 40;
    private const int GroupsPerStep = 4;

    private string WritePipeline(int learnerPort) => ClusterRun.WritePipeline(_dir, learnerPort, Steps, GroupsPerStep);

    private NodeProcess Start(string name, params string[] args)
    {
        var process = new NodeProcess(name, args);
        _processes.Add(process);
        return process;
    }

    private NodeProcess StartGenerator(string name, string pipeline, string seed, int port) =>
        Start(name, "node", "--role", "generator", "--seed-nodes", seed, "--config", pipeline, "--port", port.ToString());

    private int LatestRlStep() => ClusterRun.LatestRlStep(Path.Combine(_dir, "run"));

    private async Task WaitForStep(int step, NodeProcess learner, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (LatestRlStep() < step)
        {
            if (learner.HasExited) throw new Xunit.Sdk.XunitException($"the learner exited early ({learner.ExitCode}):\n{learner.Tail()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no rl step {step} within {timeout.TotalSeconds:0} s; learner:\n{learner.Tail()}");
            await Task.Delay(200);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Training_completes_when_a_generator_node_is_killed_and_a_late_one_joins_and_contributes()
    {
        var learnerPort = NodeProcess.FreePort();
        var pipeline = WritePipeline(learnerPort);
        var seed = $"akka.tcp://actorrl@127.0.0.1:{learnerPort}";
        var learner = Start("learner", "train", pipeline);
        var (portA, portB, portC) = (NodeProcess.FreePort(), NodeProcess.FreePort(), NodeProcess.FreePort());
        var a = StartGenerator("generator A", pipeline, seed, portA);
        // A alone for the first steps (the learner node has no generators), so A has surely contributed when it dies.
        await WaitForStep(3, learner, TimeSpan.FromSeconds(120));
        var b = StartGenerator("generator B", pipeline, seed, portB);

        await WaitForStep(6, learner, TimeSpan.FromSeconds(120));
        a.KillHard();
        var killedAtStep = LatestRlStep();
        var c = StartGenerator("generator C", pipeline, seed, portC);

        var code = await learner.WaitAsync(TimeSpan.FromSeconds(300));
        Assert.True(code == 0, $"learner exit code {code}:\n{learner.Tail()}");
        Assert.True(killedAtStep < Steps - 10, $"the run was nearly over ({killedAtStep}/{Steps}) when generator A was killed: the test proves nothing");

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "run", "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(Steps, root.GetProperty("steps").GetInt32());
        Assert.Equal(Steps * GroupsPerStep, root.GetProperty("groups_consumed").GetInt64());
        var byNode = root.GetProperty("groups_by_node").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        // Every group used is counted once, against the node that generated it; none came from anywhere else.
        Assert.Equal(Steps * GroupsPerStep, byNode.Values.Sum());
        Assert.Subset(new[] { portA, portB, portC }.Select(p => $"akka.tcp://actorrl@127.0.0.1:{p}").ToHashSet(), byNode.Keys.ToHashSet());
        Assert.True(byNode.GetValueOrDefault($"akka.tcp://actorrl@127.0.0.1:{portA}") > 0, "generator A contributed before it was killed");
        // The late node received the weights and its groups were used.
        Assert.True(byNode.GetValueOrDefault($"akka.tcp://actorrl@127.0.0.1:{portC}") > 0, $"generator C contributed nothing: {string.Join(", ", byNode)}\n{c.Tail()}");
        // The killed node's unfinished work was given back and generated again by the others.
        Assert.True(root.GetProperty("generator_failures").GetInt64() >= 1, $"no work of generator A was requeued:\n{learner.Tail()}");
        Assert.Contains("prompts will be generated again", learner.Output);

        // The surviving nodes stop by themselves when the learner leaves.
        Assert.Equal(0, await b.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await c.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("learner", b.Output);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_generator_node_stops_by_itself_when_the_learner_is_killed()
    {
        var learnerPort = NodeProcess.FreePort();
        var pipeline = WritePipeline(learnerPort);
        var learner = Start("learner", "train", pipeline);
        var generator = StartGenerator("generator", pipeline, $"akka.tcp://actorrl@127.0.0.1:{learnerPort}", NodeProcess.FreePort());
        await WaitForStep(2, learner, TimeSpan.FromSeconds(120));
        learner.KillHard();
        // Failure detection plus the resolver's stable-after: the node, cut off from the learner, is downed and exits.
        Assert.Equal(0, await generator.WaitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("Generator node stopped", generator.Output);
    }
}
