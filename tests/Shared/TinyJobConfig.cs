namespace ActorRL.Tests.Shared;

/// <summary>
/// The main job shrunk to seconds, as HOCON: a 1-layer TinyGpt, 2-digit arithmetic, 4 groups of 4 per step.
/// Compiled into the Engine and Cli test projects (in-process and child-process runs of the same job).
/// </summary>
internal static class TinyJobConfig
{
    public static string Hocon(string runDirectory, int maxStaleness, int rlSteps, string extra = "") => $$"""
        actorrl {
          run { dir = "{{runDirectory.Replace("\\", "/")}}", seed = 5 }
          logging.file = false
          model { d-model = 32, n-layers = 1, n-heads = 2, max-seq-len = 64 }
          task { eval-size = 20, arithmetic { digits-max = 2, demo-style = step } }
          warm-start { steps = 4, batch-size = 8 }
          pipeline { max-staleness = {{maxStaleness}}, groups-per-step = 4, group-size = 4, rl-steps = {{rlSteps}},
                     prompts-per-generation = 2, generators = 1, eval-size = 10 }
          generation.max-new-tokens = 24
          {{extra}}
        }
        """;
}
