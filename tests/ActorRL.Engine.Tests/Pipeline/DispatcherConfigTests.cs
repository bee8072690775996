using Akka.Actor;
using Akka.Dispatch;
using Akka.Routing;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Pipeline;

/// <summary>actorrl.dispatchers and actorrl.pipeline.verifiers, set in HOCON, are what the running actor system uses.</summary>
public sealed class DispatcherConfigTests
{
    private static ActorRLSettings Settings(params string[] overrides) => ActorRLSettings.FromConfig(PipelineConfig.Load([], overrides));

    [Fact]
    public void ReferenceDefaultsAreATwoThreadForkJoinPoolForVerifiers()
    {
        Assert.Equal(new DispatcherSettings(VerifierDispatcherType.ForkJoin, 2, 1), Settings().Dispatchers);
        Assert.Equal(DispatcherSettings.Default, Settings().Dispatchers);
    }

    [Fact]
    public void AVerifierPoolOverrideReachesTheActorSystem()
    {
        var settings = Settings("actorrl.dispatchers.verifier.thread-count = 3", "actorrl.dispatchers.verifier.throughput = 5");
        using var system = ActorSystem.Create("dispatchers", ActorSystemConfig.Build("akka.stdout-loglevel = OFF", "WARNING", settings.Dispatchers));
        var config = system.Settings.Config;
        Assert.Equal(3, config.GetInt($"{RunSupervisor.VerifierDispatcher}.dedicated-thread-pool.thread-count"));
        Assert.Equal(5, config.GetInt($"{RunSupervisor.VerifierDispatcher}.throughput"));
        var verifier = system.Dispatchers.Lookup(RunSupervisor.VerifierDispatcher);
        Assert.Equal(5, verifier.Throughput);
        Assert.IsNotType<PinnedDispatcher>(verifier);
        Assert.IsType<PinnedDispatcher>(system.Dispatchers.Lookup(RunSupervisor.ModelDispatcher));
    }

    [Theory]
    [InlineData("pinned", typeof(PinnedDispatcher))]
    [InlineData("default", typeof(Dispatcher))]
    public void TheVerifierDispatcherTypeIsConfigurable(string type, Type expected)
    {
        var settings = Settings($"actorrl.dispatchers.verifier.type = {type}");
        using var system = ActorSystem.Create("dispatchers", ActorSystemConfig.Build("akka.stdout-loglevel = OFF", "WARNING", settings.Dispatchers));
        Assert.IsType(expected, system.Dispatchers.Lookup(RunSupervisor.VerifierDispatcher));
    }

    [Fact]
    public void BadDispatcherSettingsNameTheKeyAndTheAllowedValues()
    {
        var e = Assert.Throws<SettingsException>(() => Settings("actorrl.dispatchers.verifier.type = thread-pool"));
        Assert.Equal("actorrl.dispatchers.verifier.type", e.Key);
        Assert.Contains("one of fork-join | pinned | default", e.Message);
        Assert.Equal("actorrl.dispatchers.verifier.thread-count",
            Assert.Throws<SettingsException>(() => Settings("actorrl.dispatchers.verifier.thread-count = 0")).Key);
    }

    [Fact]
    public async Task PipelineVerifiersSetsTheSizeOfTheRunningVerifierPool()
    {
        var verifiers = Settings("actorrl.pipeline.verifiers = 3").Pipeline.Verifiers;
        // Learner steps long enough for the question below to be answered while the run is on.
        var workload = new SyntheticWorkload(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(300), GroupSize: 2, DecodeSteps: 1);
        var task = new SyntheticTask();
        var routees = -1;
        var parts = new PipelineParts(PipelineHarness.Settings(steps: 3, generators: 1) with { Verifiers = verifiers }, false, 0, task, PromptCursor.Start,
            i => new SyntheticRolloutBackend(workload, 5 + i), () => new SyntheticTrainer(workload),
            new VerdictRewardFunction(task.Verifier), MetricsPath: null, EvaluateAround: false);
        await PipelineRun.ExecuteAsync(parts, PipelineHarness.AkkaConfig, "verifier-pool", async (system, _, stop) =>
        {
            // The supervisor starts its children after the observer is called: ask until the pool exists.
            while (routees < 0 && !stop.IsCancellationRequested)
            {
                try
                {
                    var answer = await system.ActorSelection("/user/run/verifiers").Ask<Routees>(new GetRoutees(), TimeSpan.FromMilliseconds(200), stop);
                    routees = answer.Members.Count();
                }
                catch (AskTimeoutException) { }
            }
        });
        Assert.Equal(3, routees);
    }
}
