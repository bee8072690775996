using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Tests.Shared;

namespace ActorRL.Engine.Tests.Jobs;

/// <summary>The tiny main job's settings (see <see cref="TinyJobConfig"/>).</summary>
internal static class TinyJob
{
    public static ActorRLSettings Settings(string runDirectory, int maxStaleness, int rlSteps = 4, string extra = "") =>
        ActorRLSettings.FromConfig(PipelineConfig.FromText(TinyJobConfig.Hocon(runDirectory, maxStaleness, rlSteps, extra)));
}
