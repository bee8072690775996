using ActorRL.Engine.Configuration;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Training;
using ActorRL.Model;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// The policy generators of a generator node, built from the same pipeline settings as the learner's (the
/// model architecture must match: the learner's weights are loaded into these replicas by tensor name and
/// shape). Sampling seeds come from the run's seed and the prompts alone (<see cref="PolicyRolloutBackend.SamplingSeed"/>):
/// prompts are unique per draw, so no two generators sample the same stream, and a prompt samples the same
/// responses on whichever node it lands.
/// </summary>
public static class GeneratorBackends
{
    public static Func<int, IRolloutBackend> ForSettings(ActorRLSettings settings)
    {
        var seed = settings.Run.Seed;
        var task = ActorRL.Tasks.TaskFactory.Create(settings.Task, settings.Verifier, seed);
        var tokenizer = PolicyFactory.CreateTokenizer(settings.Model, task.Alphabet);
        var encoding = PromptEncoding.For(settings.Model, tokenizer);
        return _ => LaggedRolloutBackend.Over(new PolicyRolloutBackend(
            PolicyFactory.Create(settings.Model, tokenizer, seed, TorchSharp.torch.CPU), encoding,
            settings.Pipeline.GroupSize, settings.Pipeline.PromptsPerGeneration, settings.Generation, seed, settings.ContinuousBatching),
            settings.Pipeline.PolicyLag);
    }
}
