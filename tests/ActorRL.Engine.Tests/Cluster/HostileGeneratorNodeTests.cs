using System.Collections.Concurrent;
using Akka.Actor;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;
using ActorRL.Engine.Tests.Pipeline;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Cluster;

/// <summary>
/// A hostile generator node beside an honest one, both joined to the real pipeline over Akka.Remote: what it sends
/// travels the wire as GroupGenerated messages, and nothing it claims reaches training.
/// </summary>
public sealed class HostileGeneratorNodeTests
{
    private const int GroupSize = 4;
    private const int Vocabulary = 2; // the synthetic responses use token id 1
    private static readonly ClusterSettings Cluster = new(true, 100_000, TimeSpan.FromSeconds(5), false, 1, TimeSpan.FromSeconds(30));

    /// <summary>
    /// In turn: forges the gold answer, the prompt and every reward ("forged" is right, it says); puts a token id
    /// past the vocabulary; drops a response; hands the same forged group in twice. And with every group it hands in
    /// "stolen" ones under the ids of attempts it guesses were issued to others (ids are PROMPT#ATTEMPT, so the
    /// neighbours of its own are easy guesses).
    /// </summary>
    private sealed class HostileBackend(IRolloutBackend inner) : IRolloutBackend
    {
        private int _groups;

        public long Version => inner.Version;
        public void LoadWeights(WeightsPublished weights) => inner.LoadWeights(weights);
        public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName) => new Hostile(this, inner.Begin(items, generatorName));
        public void Dispose() => inner.Dispose();

        private static RolloutGroup Forged(RolloutGroup g) => g with
        {
            PromptText = "forged",
            Gold = "forged",
            Rollouts = g.Rollouts.Select(r => r with { Text = "forged", Reward = 1, VerifierOutcome = "correct" }).ToList(),
        };

        private sealed class Hostile(HostileBackend backend, IGroupGeneration inner) : IGroupGeneration
        {
            private IReadOnlyList<RolloutGroup>? _results;
            public bool IsFinished => inner.IsFinished;
            public void Step() => inner.Step();
            public long TokensGenerated => inner.TokensGenerated;
            public void Dispose() => inner.Dispose();

            public IReadOnlyList<RolloutGroup> Results => _results ??= Build(inner.Results);

            private IReadOnlyList<RolloutGroup> Build(IReadOnlyList<RolloutGroup> own)
            {
                var mine = own.Select(g => g.GroupId).ToHashSet();
                return own.SelectMany(g => ((backend._groups++ % 4) switch
                {
                    0 => new[] { Forged(g) },
                    1 => new[] { g with { Rollouts = g.Rollouts.Select((r, i) => i == 0 ? r with { TokenIds = r.TokenIds.Select(_ => 7).ToList() } : r).ToList() } },
                    2 => new[] { g with { Rollouts = g.Rollouts.Skip(1).ToList() } },
                    _ => new[] { Forged(g), Forged(g) },
                }).Concat(Stolen(g).Where(s => !mine.Contains(s.GroupId)))).ToList();
            }

            private static IEnumerable<RolloutGroup> Stolen(RolloutGroup g)
            {
                var hash = g.GroupId.IndexOf('#');
                var prompt = long.Parse(g.PromptId["synthetic:".Length..], System.Globalization.CultureInfo.InvariantCulture);
                var attempt = long.Parse(g.GroupId[(hash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                foreach (var k in new[] { -3, -2, -1, 1, 2, 3 })
                    yield return g with
                    {
                        GroupId = $"synthetic:{prompt + k}#{attempt + k}",
                        PromptId = $"synthetic:{prompt + k}",
                        Rollouts = g.Rollouts.Select(r => r with { Text = "stolen" }).ToList(),
                    };
            }
        }
    }

    [Fact]
    public async Task Forged_malformed_and_duplicate_groups_from_a_remote_node_never_reach_training()
    {
        var workload = new SyntheticWorkload(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), GroupSize);
        var settings = PipelineHarness.Settings(maxStaleness: 1, groupsPerStep: 4, steps: 8, generators: 0, groupSize: GroupSize);
        var task = new SyntheticTask();
        var consumed = new ConcurrentQueue<(long Version, RolloutGroup Group)>();
        var parts = ClusterTestConfig.LearnerNodeParts(settings, task, () => new PipelineHarness.RecordingTrainer(workload, consumed), Cluster,
            new GroupShape(GroupSize, workload.DecodeSteps, Vocabulary));
        var nodes = new List<ActorSystem>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var summary = await PipelineRun.ExecuteAsync(parts, ClusterTestConfig.Node("learner"), ClusterNodeConfig.ActorSystemName, (system, _, _) =>
        {
            var seed = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
            foreach (var hostile in new[] { false, true })
            {
                var node = ActorSystem.Create(ClusterNodeConfig.ActorSystemName, ClusterTestConfig.Node("generator", new[] { seed }));
                var completion = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                Func<int, IRolloutBackend> backends = hostile
                    ? i => new HostileBackend(new SyntheticRolloutBackend(workload, 100 + i))
                    : i => new SyntheticRolloutBackend(workload, i);
                node.ActorOf(Props.Create(() => new GeneratorNodeSupervisor(settings, Cluster, backends, completion)), "node");
                nodes.Add(node);
            }
            return Task.CompletedTask;
        }, timeout.Token);
        await Task.WhenAll(nodes.Select(n => n.Terminate()));

        Assert.Equal(8, summary.Steps);
        var groups = consumed.Select(c => c.Group).ToList();
        Assert.Equal(32, groups.Count);
        // Each prompt trained on once: the stream's first ones, less any given up on after repeated malformed attempts.
        var quarantined = (summary.Quarantined ?? []).Select(q => q.PromptId).ToHashSet();
        var expected = Enumerable.Range(0, 32 + quarantined.Count).Select(i => $"synthetic:{i}").Where(id => !quarantined.Contains(id));
        Assert.Equal(expected.Order(), groups.Select(g => g.PromptId).Order());
        foreach (var group in groups)
        {
            var prompt = task.PromptAt(new PromptCursor(0, long.Parse(group.PromptId["synthetic:".Length..], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal((prompt.Text, prompt.Gold), (group.PromptText, group.Gold));
            Assert.Equal(GroupSize, group.Rollouts.Count);
            Assert.All(group.Rollouts, r => Assert.All(r.TokenIds, id => Assert.InRange(id, 0, Vocabulary - 1)));
        }
        // Nothing handed in under another generator's attempt was used, and such attempts were made and refused.
        Assert.DoesNotContain(groups, g => g.Rollouts.Any(r => r.Text == "stolen"));
        Assert.True(summary.GroupsRefusedFromOtherHolder > 0, "no stolen group hit a live attempt of the honest node: the test proves nothing");
        Assert.True(summary.GroupsRefusedMalformed > 0);
        // The hostile node's forged groups were used (it was not simply shut out), and scored by this side: 0.
        var forged = groups.Where(g => g.Rollouts.All(r => r.Text == "forged")).ToList();
        Assert.NotEmpty(forged);
        Assert.All(forged, g => Assert.All(g.Rollouts, r => Assert.Equal(0.0, r.Reward)));
    }
}
