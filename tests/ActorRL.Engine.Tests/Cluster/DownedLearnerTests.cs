using ActorRL.Engine.Cluster;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;
using ActorRL.Engine.Tests.Pipeline;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Cluster;

/// <summary>A learner node whose actor system ends under the run (downed) ends the run with the reason, never hangs.</summary>
public sealed class DownedLearnerTests
{
    [Fact]
    public async Task A_downed_learner_node_ends_its_run_with_one_clear_reason()
    {
        var workload = new SyntheticWorkload(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
        var settings = PipelineHarness.Settings(steps: 1000, generators: 0);
        var task = new SyntheticTask();
        var cluster = new ClusterSettings(true, 100_000, TimeSpan.FromSeconds(5), false, 1, TimeSpan.FromSeconds(30));
        var parts = ClusterTestConfig.LearnerNodeParts(settings, task, () => new SyntheticTrainer(workload), cluster);

        var run = PipelineRun.ExecuteAsync(parts, ClusterTestConfig.Node("learner"), ClusterNodeConfig.ActorSystemName, (system, _, _) =>
        {
            var node = Akka.Cluster.Cluster.Get(system);
            node.RegisterOnMemberUp(() => node.Down(node.SelfAddress));
            return Task.CompletedTask;
        });

        var failure = await Assert.ThrowsAsync<ExplainedRunFailure>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("ClusterDowningReason", failure.Message);
        Assert.Contains("resume", failure.Message);
    }
}
