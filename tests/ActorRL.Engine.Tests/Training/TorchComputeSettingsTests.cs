using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Training;
using static TorchSharp.torch;

namespace ActorRL.Engine.Tests.Training;

/// <summary>run.torch-threads and run.deterministic reach libtorch for the run and are put back after it.</summary>
[Collection(nameof(TorchGlobalState))]
public class TorchComputeSettingsTests
{
    [Fact]
    public void A_deterministic_run_switches_on_libtorchs_deterministic_algorithms_and_pins_the_threads_until_it_ends()
    {
        var threadsBefore = get_num_threads();
        var pinned = threadsBefore == 1 ? 2 : 1;
        Assert.False(LibTorchDeterminism.Enabled);
        using (TorchComputeSettings.Apply(new RunSettings("runs/x", 1, Deterministic: true, TorchThreads: pinned)))
        {
            Assert.True(LibTorchDeterminism.Enabled);
            Assert.Equal(pinned, get_num_threads());
        }
        Assert.False(LibTorchDeterminism.Enabled);
        Assert.Equal(threadsBefore, get_num_threads());
    }

    [Fact]
    public void Deterministic_with_a_staleness_bound_is_a_configuration_error_naming_the_key()
    {
        var error = Assert.Throws<SettingsException>(() => ActorRLSettings.FromConfig(PipelineConfig.Load([],
            ["actorrl.run.deterministic=true", "actorrl.pipeline.max-staleness=2"])));
        Assert.Equal("actorrl.run.deterministic", error.Key);
        Assert.Contains("max-staleness = 0", error.Message);
        Assert.True(ActorRLSettings.FromConfig(PipelineConfig.Load([], ["actorrl.run.deterministic=true", "actorrl.pipeline.max-staleness=0"])).Run.Deterministic);
    }

    [Fact]
    public void Torch_threads_outside_1_to_1024_are_refused()
    {
        var error = Assert.Throws<SettingsException>(() => ActorRLSettings.FromConfig(PipelineConfig.Load([], ["actorrl.run.torch-threads=0"])));
        Assert.Equal("actorrl.run.torch-threads", error.Key);
    }
}

/// <summary>Tests that change libtorch's process-wide settings run one at a time.</summary>
[CollectionDefinition(nameof(TorchGlobalState), DisableParallelization = true)]
public sealed class TorchGlobalState;
