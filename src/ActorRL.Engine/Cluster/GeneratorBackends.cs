using ActorRL.Engine.Configuration;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Training;
using ActorRL.Model;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// The policy generators of a generator node, built from the same pipeline settings as the learner's (the
/// model architecture must match: the learner's weights are loaded into these replicas by tensor name and
/// shape). Each node draws its sampling seeds from its own salt, so two nodes never sample identical streams.
/// </summary>
public static class GeneratorBackends
{
    public static Func<int, IRolloutBackend> ForSettings(ActorRLSettings settings, long nodeSalt)
    {
        var seed = settings.Run.Seed;
        var task = ActorRL.Tasks.TaskFactory.Create(settings.Task, settings.Verifier, seed);
        var tokenizer = PolicyFactory.CreateTokenizer(settings.Model, task.Alphabet);
        var encoding = PromptEncoding.For(settings.Model, tokenizer);
        return index => new PolicyRolloutBackend(
            PolicyFactory.Create(settings.Model, tokenizer, seed, TorchSharp.torch.CPU), encoding,
            settings.Pipeline.GroupSize, settings.Generation, seed + 7919L * (index + 1) + 104_729L * nodeSalt);
    }
}
