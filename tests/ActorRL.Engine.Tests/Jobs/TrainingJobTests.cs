using System.Text.Json;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Persistence;

namespace ActorRL.Engine.Tests.Jobs;

/// <summary>The main job end to end on a tiny model: real policies, real task, real actors.</summary>
public sealed class TrainingJobTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-job-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ActorRLSettings Settings(string name, int maxStaleness, string extra = "") =>
        TinyJob.Settings(Path.Combine(_root, name), maxStaleness, extra: extra);

    private static List<JsonElement> Metrics(ActorRLSettings s, string kind) =>
        File.ReadLines(Path.Combine(s.Run.Directory, TrainingJob.MetricsFile))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("kind").GetString() == kind)
            .ToList();

    [Fact]
    public async Task RewardsFlowVersionsAdvanceAndTheRunLeavesItsFilesBehind()
    {
        var settings = Settings("e2e", maxStaleness: 1);
        var summary = await TrainingJob.RunAsync(settings, "akka.loglevel = WARNING");

        Assert.Equal(4, summary.Steps);
        Assert.Equal(4, summary.WarmStartSteps);
        Assert.Equal(4, summary.FinalVersion);
        Assert.Equal(16, summary.GroupsConsumed);
        Assert.True(summary.MaxStaleness <= 1);
        Assert.NotNull(summary.AccuracyBefore);
        Assert.NotNull(summary.AccuracyAfter);

        var rl = Metrics(settings, "rl");
        Assert.Equal(new[] { 1, 2, 3, 4 }, rl.Select(e => e.GetProperty("step").GetInt32()));
        Assert.Equal(new long[] { 1, 2, 3, 4 }, rl.Select(e => e.GetProperty("version").GetInt64()));
        Assert.All(rl, e =>
        {
            Assert.InRange(e.GetProperty("reward_mean").GetDouble(), 0, 1);
            Assert.True(e.GetProperty("staleness_max").GetDouble() <= 1);
            Assert.True(double.IsFinite(e.GetProperty("loss").GetDouble()));
        });
        Assert.Equal(4, Metrics(settings, "sft").Count);
        Assert.Equal(2, Metrics(settings, "eval").Count);
        var summaryJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(settings.Run.Directory, TrainingJob.SummaryFile))).RootElement;
        Assert.Equal(4, summaryJson.GetProperty("steps").GetInt32());
        Assert.InRange(summaryJson.GetProperty("accuracy_after").GetDouble(), 0, 1);
        // The audit of an asynchronous run: which policy versions sampled each consumed group, in the ledger and summary.json alike.
        var history = await LedgerHistory.ReadAsync(settings.Persistence, settings.Run.Directory);
        var consumed = ConsumedGroup.From(history);
        Assert.Equal(16, consumed.Count);
        Assert.All(consumed, g => Assert.InRange(g.Lag!.Value, 0, 1));
        Assert.All(consumed, g => Assert.InRange(g.NewestVersion!.Value, g.OldestVersion!.Value, g.Version - 1));
        var table = summaryJson.GetProperty("consumed_groups");
        Assert.Equal(ConsumedGroupTable.Columns, table.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(consumed.Select(g => $"{g.Step} {g.Version} {g.PromptId} {g.OldestVersion} {g.NewestVersion}"),
            table.GetProperty("rows").EnumerateArray().Select(r => string.Join(" ", r.EnumerateArray().Select(v => v.ToString()))));
        Assert.Equal(16, summaryJson.GetProperty("groups_by_policy_lag").EnumerateObject().Sum(p => p.Value.GetInt32()));
        // The run's policy is the ledger's newest committed checkpoint: the one after the last step.
        var policy = await RunPolicy.FindAsync(settings.Persistence, settings.Run.Directory);
        Assert.Equal((4, 4L), (policy.Checkpoint.Step, policy.Checkpoint.Version));
        Assert.False(Directory.Exists(Path.Combine(settings.Run.Directory, "checkpoints", "final")));
    }

    [Fact]
    public async Task A_warm_start_only_run_trains_no_RL_step_and_commits_the_warm_started_policy()
    {
        var settings = Settings("sft-only", maxStaleness: 1, extra: "pipeline.stages = [sft]");
        Assert.Equal(0, settings.Pipeline.RlSteps);

        var summary = await TrainingJob.RunAsync(settings, "akka.loglevel = WARNING");

        Assert.Equal((0, 4, 0L, 0L), (summary.Steps, summary.WarmStartSteps, summary.FinalVersion, summary.GroupsConsumed));
        Assert.NotNull(summary.AccuracyBefore); // after the warm start
        Assert.Null(summary.AccuracyAfter);
        Assert.Empty(Metrics(settings, "rl"));
        Assert.Equal(4, Metrics(settings, "sft").Count);
        Assert.Single(Metrics(settings, "eval"));
        var summaryJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(settings.Run.Directory, TrainingJob.SummaryFile))).RootElement;
        Assert.Equal(0, summaryJson.GetProperty("steps").GetInt32());
        Assert.Equal(4, summaryJson.GetProperty("warm_start_steps").GetInt32());
        var policy = await RunPolicy.FindAsync(settings.Persistence, settings.Run.Directory);
        Assert.Equal((0, 4), (policy.Checkpoint.Step, policy.Checkpoint.WarmStartSteps));

        // Adding the rl stage later trains on from the warm-started checkpoint, without repeating the warm start.
        var withRl = Settings("sft-only", maxStaleness: 1);
        var extended = await TrainingJob.RunAsync(withRl, "akka.loglevel = WARNING");
        Assert.Equal((4, 4), (extended.Steps, extended.WarmStartSteps));
        Assert.Equal(4, Metrics(withRl, "sft").Count);
        Assert.Equal(new[] { 1, 2, 3, 4 }, Metrics(withRl, "rl").Select(e => e.GetProperty("step").GetInt32()));
    }

    [Fact]
    public async Task SynchronousRunsWithAFixedSeedAreReproducible()
    {
        var first = Settings("sync-1", maxStaleness: 0);
        var second = Settings("sync-2", maxStaleness: 0);
        await TrainingJob.RunAsync(first, "akka.loglevel = WARNING");
        await TrainingJob.RunAsync(second, "akka.loglevel = WARNING");

        double[] Losses(ActorRLSettings s) => Metrics(s, "rl").Select(e => e.GetProperty("loss").GetDouble()).ToArray();
        double[] Rewards(ActorRLSettings s) => Metrics(s, "rl").Select(e => e.GetProperty("reward_mean").GetDouble()).ToArray();
        Assert.Equal(4, Losses(first).Length);
        Assert.Equal(Losses(first), Losses(second));
        Assert.Equal(Rewards(first), Rewards(second));
    }
}
