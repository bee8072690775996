using System.Text.Json;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Persistence;

namespace ActorRL.Engine.Tests.Jobs;

/// <summary>
/// Exactly-once and the staleness bound on the real policy (TinyGpt, the arithmetic task, the real verifier and
/// ledger), not only on the synthetic workload: two generators racing an asynchronous learner at η = 1.
/// </summary>
public sealed class RealPolicyBookkeepingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-book-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task EveryPromptIsTrainedOnOnceInStreamOrderAndNoGroupIsStalerThanTheBound()
    {
        const int steps = 6, groupsPerStep = 4, maxStaleness = 1;
        var settings = TinyJob.Settings(Path.Combine(_root, "run"), maxStaleness, steps,
            extra: "pipeline.generators = 2\npersistence.checkpoint-every = 2");
        var summary = await TrainingJob.RunAsync(settings, "akka.loglevel = WARNING");

        Assert.Equal(steps * groupsPerStep, summary.GroupsConsumed);
        Assert.True(summary.MaxStaleness <= maxStaleness, $"max staleness {summary.MaxStaleness}");
        var history = await LedgerHistory.ReadAsync(settings.Persistence, settings.Run.Directory);
        var prompts = LedgerHistory.EffectiveSteps(history).SelectMany(s => s.PromptIds).ToList();
        // Each prompt once; together exactly the first steps × B prompts of the stream (none skipped, none quarantined).
        Assert.Equal(prompts.Count, prompts.Distinct().Count());
        var stream = Enumerable.Range(0, steps * groupsPerStep)
            .Select(i => ActorRL.Tasks.TaskFactory.Create(settings.Task, settings.Verifier, settings.Run.Seed).PromptAt(new(0, i)).Id);
        Assert.Equal(stream.Order(), prompts.Order());
        Assert.Empty(summary.Quarantined ?? []);
        foreach (var line in File.ReadLines(Path.Combine(settings.Run.Directory, TrainingJob.MetricsFile)))
        {
            var record = JsonDocument.Parse(line).RootElement;
            if (record.GetProperty("kind").GetString() == "rl")
                Assert.InRange(record.GetProperty("staleness_max").GetDouble(), 0, maxStaleness);
        }
    }
}
