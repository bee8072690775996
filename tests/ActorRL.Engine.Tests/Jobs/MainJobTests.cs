using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;

namespace ActorRL.Engine.Tests.Jobs;

/// <summary>The shipped main-job pipeline, shortened, on its real model size (minutes: the Slow trait).</summary>
public sealed class MainJobTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-main-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SamplePipeline()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "arithmetic", "pipeline.conf");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("samples/arithmetic/pipeline.conf not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task TheShippedPipelineWarmStartsToAUsefulPolicyAndRunsRlThroughTheActors()
    {
        var config = PipelineConfig.Load(new[] { SamplePipeline() }, new[]
        {
            $"actorrl.run.dir={_dir}",
            "actorrl.logging.file=false",
            "actorrl.warm-start.steps=200",
            "actorrl.pipeline.rl-steps=20",
            "actorrl.pipeline.eval-every=0",
            "actorrl.pipeline.eval-size=100",
        });
        var summary = await TrainingJob.RunAsync(ActorRLSettings.FromConfig(config), "akka.loglevel = WARNING");

        Assert.Equal(20, summary.Steps);
        Assert.Equal(200, summary.WarmStartSteps);
        // 200 warm-start steps teach the format and most of the arithmetic (about 30-40 % greedy accuracy here);
        // a broken tokenizer, prompt encoding or scorer leaves it near zero.
        Assert.True(summary.AccuracyBefore >= 0.15, $"accuracy after the warm start: {summary.AccuracyBefore}");
        Assert.True(summary.AccuracyAfter >= 0.10, $"accuracy after RL: {summary.AccuracyAfter}");
        Assert.Equal(320, summary.GroupsConsumed);
    }
}
