using Akka.Actor;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;
using ActorRL.Engine.Tests.Pipeline;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Cluster;

/// <summary>
/// The real pipeline as a learner node with no local generators, and generator nodes in other actor systems
/// joined over Akka.Cluster on 127.0.0.1 (the pattern of Akka's own multi-node tests; process-level tests with
/// kill -9 are in ActorRL.Cli.Tests).
/// </summary>
public sealed class InProcessClusterTests
{
    private static readonly ClusterSettings Cluster = new(true, 100_000, TimeSpan.FromSeconds(5), false, 1, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Generator_nodes_pull_work_from_the_learner_node_and_every_group_used_comes_from_them()
    {
        var workload = new SyntheticWorkload(GenerationTime: TimeSpan.FromMilliseconds(10), TrainTime: TimeSpan.FromMilliseconds(10));
        var settings = PipelineHarness.Settings(maxStaleness: 1, groupsPerStep: 4, steps: 8, generators: 0);
        var task = new SyntheticTask();
        var consumed = new System.Collections.Concurrent.ConcurrentQueue<(long Version, Core.Rollouts.RolloutGroup Group)>();
        var parts = ClusterTestConfig.LearnerNodeParts(settings, task, () => new PipelineHarness.RecordingTrainer(workload, consumed), Cluster);
        var nodes = new List<ActorSystem>();
        var nodeRuns = new List<Task<string>>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var generatorsSeen = 0;
        Task? watchStats = null;
        var summary = await PipelineRun.ExecuteAsync(parts, ClusterTestConfig.Node("learner"), ClusterNodeConfig.ActorSystemName, (system, root, stop) =>
        {
            // The coordinator counts remote generators as generators (the live view's idle fraction divides by it).
            watchStats = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested && generatorsSeen < 2)
                {
                    try
                    {
                        generatorsSeen = Math.Max(generatorsSeen, (await root.Ask<CoordinatorStats>(GetCoordinatorStats.Instance, TimeSpan.FromSeconds(5), stop)).Generators);
                        await Task.Delay(50, stop);
                    }
                    catch (Exception e) when (e is TaskCanceledException or OperationCanceledException or Akka.Actor.AskTimeoutException)
                    {
                        return;
                    }
                }
            });
            var seed = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
            for (var n = 0; n < 2; n++)
            {
                var node = ActorSystem.Create(ClusterNodeConfig.ActorSystemName, ClusterTestConfig.Node("generator", new[] { seed }));
                var completion = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                var salt = n;
                node.ActorOf(Props.Create(() => new GeneratorNodeSupervisor(settings, Cluster, i => new SyntheticRolloutBackend(workload, 100 * salt + i), completion)), "node");
                nodes.Add(node);
                nodeRuns.Add(completion.Task);
            }
            return Task.CompletedTask;
        }, timeout.Token);

        Assert.Equal(8, summary.Steps);
        await watchStats!;
        Assert.Equal(2, generatorsSeen);
        Assert.Equal(32, summary.GroupsConsumed);
        Assert.NotNull(summary.GroupsByNode);
        Assert.DoesNotContain("local", summary.GroupsByNode!.Keys);
        Assert.Equal(32, summary.GroupsByNode.Values.Sum());
        // Remote work obeys the same bookkeeping as local work: the first 32 prompts, each once, within η = 1.
        Assert.Equal(Enumerable.Range(0, 32).Select(i => $"synthetic:{i}").Order(), consumed.Select(c => c.Group.PromptId).Order());
        Assert.All(consumed, c => Assert.InRange(c.Group.Staleness(c.Version), 0, 1));
        Assert.All(consumed, c => Assert.StartsWith("generator-", c.Group.Generator));
        // The learner leaving ends each node's run.
        foreach (var run in nodeRuns) Assert.Contains("learner", await run.WaitAsync(TimeSpan.FromSeconds(30)));
        await Task.WhenAll(nodes.Select(n => n.Terminate()));
    }
}
