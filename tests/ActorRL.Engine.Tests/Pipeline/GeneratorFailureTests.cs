using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;

namespace ActorRL.Engine.Tests.Pipeline;

public class GeneratorFailureTests
{
    /// <summary>Throws when asked to generate every 3rd prompt it is given (counted across restarts).</summary>
    private sealed class FlakyBackend(IRolloutBackend inner, Func<int> nextPromptNumber) : IRolloutBackend
    {
        public long Version => inner.Version;
        public void LoadWeights(WeightsPublished weights) => inner.LoadWeights(weights);
        public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName)
        {
            foreach (var _ in items)
                if (nextPromptNumber() % 3 == 0) throw new InvalidOperationException("injected generator failure");
            return inner.Begin(items, generatorName);
        }
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public async Task AGeneratorThatThrowsOnEveryThirdPromptDoesNotStopTheRun()
    {
        var counter = 0;
        var workload = new SyntheticWorkload(TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(4));
        // Failures here are spread over prompts at random; none may be quarantined, which is tested on its own.
        var settings = PipelineHarness.Settings(maxStaleness: 1, steps: 6, generators: 2) with
        {
            Leases = PipelineSettings.DefaultLeases with { MaxGenerationFailures = 1000 },
        };
        var (summary, consumed, _) = await PipelineHarness.RunAsync(settings, workload,
            i => new FlakyBackend(new SyntheticRolloutBackend(workload, i), () => Interlocked.Increment(ref counter)));

        Assert.Equal(6, summary.Steps);
        Assert.True(summary.GenerationFailures >= 3, $"failures counted: {summary.GenerationFailures}");
        var ids = consumed.Select(c => c.Group.PromptId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // Prompts lost with a failed generator are regenerated, so the first 24 prompts are all consumed.
        Assert.Equal(Enumerable.Range(0, 24).Select(i => $"synthetic:{i}").OrderBy(s => s), ids.OrderBy(s => s));
    }
}
