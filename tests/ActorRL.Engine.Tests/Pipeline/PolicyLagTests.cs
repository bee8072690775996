using System.Security.Cryptography;
using ActorRL.Core.Configuration;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Jobs;
using ActorRL.Engine.Persistence;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Tests.Jobs;
using ActorRL.Engine.Tests.Training;

namespace ActorRL.Engine.Tests.Pipeline;

/// <summary>
/// <c>pipeline.policy-lag</c>, the forced staleness of the staleness experiment: generators sample with weights exactly
/// that many versions behind, the learner sees that lag, and a deterministic run stays deterministic.
/// </summary>
[Collection(nameof(TorchGlobalState))]
public sealed class PolicyLagTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-lag-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Records which versions it was given; generates nothing.</summary>
    private sealed class RecordingBackend : IRolloutBackend
    {
        public List<long> Loaded { get; } = new();
        public long Version => Loaded.Count == 0 ? -1 : Loaded[^1];
        public void LoadWeights(WeightsPublished weights) => Loaded.Add(weights.Version);
        public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName) => throw new NotSupportedException();
        public void Dispose() { }
    }

    private static WeightsPublished Weights(long version) => new(version, new PolicySnapshot(version, []));

    [Fact]
    public void A_lagged_generator_samples_with_the_version_lag_behind_the_newest_and_reports_the_newest()
    {
        var inner = new RecordingBackend();
        var lagged = LaggedRolloutBackend.Over(inner, 2);
        var sampledWith = new List<long>();
        for (var v = 0; v <= 6; v++)
        {
            lagged.LoadWeights(Weights(v));
            Assert.Equal(v, lagged.Version);
            sampledWith.Add(inner.Version);
        }
        // Version 0 until the learner is 2 ahead of it, then always newest − 2.
        Assert.Equal(new long[] { 0, 0, 0, 1, 2, 3, 4 }, sampledWith);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, inner.Loaded);
    }

    [Fact]
    public void Versions_the_hub_skipped_never_make_the_lag_shorter_than_asked()
    {
        var inner = new RecordingBackend();
        var lagged = LaggedRolloutBackend.Over(inner, 2);
        foreach (var v in new long[] { 0, 3, 4, 7 }) lagged.LoadWeights(Weights(v));
        // At 3 nothing of version ≤ 1 but 0 exists; at 4 neither (2 was skipped); at 7 the newest ≤ 5 is 4.
        Assert.Equal(new long[] { 0, 4 }, inner.Loaded);
        Assert.Equal(7, lagged.Version);
        lagged.LoadWeights(Weights(6)); // an older version arriving late changes nothing
        Assert.Equal(new long[] { 0, 4 }, inner.Loaded);
    }

    [Fact]
    public void No_lag_is_the_generator_itself()
    {
        var inner = new RecordingBackend();
        Assert.Same(inner, LaggedRolloutBackend.Over(inner, 0));
    }

    [Fact]
    public void A_lag_beyond_the_staleness_bound_is_a_configuration_error_naming_the_key()
    {
        var error = Assert.Throws<SettingsException>(() => ActorRLSettings.FromConfig(PipelineConfig.Load([],
            ["actorrl.pipeline.max-staleness=2", "actorrl.pipeline.policy-lag=3"])));
        Assert.Equal("actorrl.pipeline.policy-lag", error.Key);
        Assert.Contains("≤ max-staleness (2)", error.Message);
    }

    [Fact]
    public void The_lag_uses_up_its_share_of_the_bound_so_lag_equal_to_eta_is_synchronous_and_may_be_deterministic()
    {
        var settings = ActorRLSettings.FromConfig(PipelineConfig.Load([],
            ["actorrl.pipeline.max-staleness=4", "actorrl.pipeline.policy-lag=4", "actorrl.run.deterministic=true", "actorrl.pipeline.groups-per-step=16"]));
        Assert.Equal((0, 16), (settings.Pipeline.RunAhead, settings.Pipeline.AdmissionCapacity));
        Assert.Equal(3 * 16, ActorRLSettings.FromConfig(PipelineConfig.Load([],
            ["actorrl.pipeline.max-staleness=4", "actorrl.pipeline.policy-lag=2", "actorrl.pipeline.groups-per-step=16"])).Pipeline.AdmissionCapacity);
        var error = Assert.Throws<SettingsException>(() => ActorRLSettings.FromConfig(PipelineConfig.Load([],
            ["actorrl.pipeline.max-staleness=4", "actorrl.pipeline.policy-lag=2", "actorrl.run.deterministic=true"])));
        Assert.Equal("actorrl.run.deterministic", error.Key);
        Assert.Contains("policy-lag = 2", error.Message);
    }

    [Fact]
    public async Task Every_group_is_trained_exactly_lag_versions_stale_and_the_run_reproduces_bit_for_bit()
    {
        const int rlSteps = 6;
        const int lag = 2;
        async Task<(IReadOnlyList<ConsumedGroup> Consumed, string WeightsHash)> Run(string name)
        {
            var settings = TinyJob.Settings(Path.Combine(_root, name), maxStaleness: lag, rlSteps,
                $"pipeline.policy-lag = {lag}\nrun.deterministic = true");
            await TrainingJob.RunAsync(settings, "akka.loglevel = WARNING");
            var policy = await RunPolicy.FindAsync(settings.Persistence, settings.Run.Directory);
            var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(policy.Directory, "weights.safetensors"))));
            return (ConsumedGroup.From(await LedgerHistory.ReadAsync(settings.Persistence, settings.Run.Directory)), hash);
        }

        var first = await Run("first");
        Assert.Equal(rlSteps * 4, first.Consumed.Count);
        // Step s trains at version s − 1 on groups sampled by version max(0, s − 1 − lag).
        Assert.All(first.Consumed, g => Assert.Equal(Math.Min(g.Step - 1, lag), g.Lag));
        Assert.All(first.Consumed, g => Assert.Equal(g.OldestVersion, g.NewestVersion));
        var second = await Run("second");
        Assert.Equal(first.WeightsHash, second.WeightsHash);
    }
}
