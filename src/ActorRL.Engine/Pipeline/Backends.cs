using ActorRL.Core.Rollouts;

namespace ActorRL.Engine.Pipeline;

// What the actors drive. The actors own scheduling, flow control and fault handling; a backend owns compute.
// Real backends wrap a TorchSharp policy; synthetic ones (SyntheticBackends.cs) spend a fixed time, which is how
// the orchestration benchmark knows the ideal throughput exactly. Every backend is created and used on the
// thread of the actor that owns it (TorchSharp dispose scopes are per thread).

/// <summary>Generates rollout groups; lives inside one generator actor.</summary>
public interface IRolloutBackend : IDisposable
{
    /// <summary>Version of the weights in use now.</summary>
    long Version { get; }

    /// <summary>Adopts new weights; called between decoding steps, so in-flight responses continue on them.</summary>
    void LoadWeights(WeightsPublished weights);

    /// <summary>Starts generating one group per work item.</summary>
    IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName);
}

/// <summary>
/// Groups being decoded, one step at a time. A static generation decodes the batch it began with; a continuous one
/// (<see cref="Room"/> &gt; 0) takes more prompts in while it runs and hands groups out as they finish.
/// </summary>
public interface IGroupGeneration : IDisposable
{
    /// <summary>Nothing is left decoding.</summary>
    bool IsFinished { get; }

    /// <summary>One decoding step for every unfinished sequence (tokens record the current version).</summary>
    void Step();

    /// <summary>The finished groups not yet taken (unscored). All of them once <see cref="IsFinished"/>.</summary>
    IReadOnlyList<RolloutGroup> Results { get; }

    /// <summary>Tokens generated so far.</summary>
    long TokensGenerated { get; }

    /// <summary>Prompts this generation could take in now (continuous batching); 0 for a static one.</summary>
    int Room => 0;

    /// <summary>Takes more prompts in; they start decoding as soon as they fit (continuous batching only).</summary>
    void Admit(IReadOnlyList<WorkItem> items) => throw new NotSupportedException("this generation decodes the batch it began with");

    /// <summary>Groups finished since the last call; a static generation hands them all out once it is finished.</summary>
    IReadOnlyList<RolloutGroup> TakeFinished() => IsFinished ? Results : [];
}

/// <summary>Scores a group's responses; called on a verifier thread, must be thread-safe.</summary>
public interface IRewardFunction
{
    /// <summary>The group with rewards set; per-response failures (timeout, exception) reported by kind.</summary>
    (RolloutGroup Scored, IReadOnlyDictionary<string, int> Failures) Score(RolloutGroup group);
}

/// <summary>
/// The learner's compute: warm start, policy updates, evaluation, weight export, and its state as a checkpoint
/// (what <see cref="Persistence.RunRecovery"/> writes and resumes from).
/// </summary>
public interface IPolicyTrainer : Persistence.ITrainerCheckpoints, IDisposable
{
    long Version { get; }

    /// <summary>One supervised warm-start step; returns its metrics (loss…).</summary>
    IReadOnlyDictionary<string, double> WarmStartStep(int step);

    /// <summary>
    /// RL starts from the weights as they are now (after the warm start, or whatever weights were loaded): a trainer
    /// with a KL penalty to the initial policy takes its reference here. Not called on resume, where the checkpoint
    /// restores the reference along with the weights.
    /// </summary>
    void RlStartsHere();

    /// <summary>One RL step on a batch (ppo-epochs × mini-batches updates); version + 1. Returns metrics.</summary>
    IReadOnlyDictionary<string, double> Train(IReadOnlyList<RolloutGroup> batch);

    /// <summary>Held-out evaluation (greedy); returns accuracy in [0, 1] and other metrics.</summary>
    IReadOnlyDictionary<string, double> Evaluate();

    PolicySnapshot Snapshot();
}
