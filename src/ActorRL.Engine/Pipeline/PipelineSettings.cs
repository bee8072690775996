using ActorRL.Core.Configuration;
using ActorRL.Engine.Pipeline.Lifecycle;

namespace ActorRL.Engine.Pipeline;

/// <summary><c>actorrl.pipeline</c>: the shape of a run — stages, sizes, staleness bound, actor counts.</summary>
/// <param name="Stages">Whether the run warm-starts (<c>sft</c>) and trains with RL (<c>rl</c>).</param>
/// <param name="MaxStaleness">η: a group is used only if learner version − oldest token version ≤ η. 0 = synchronous RL.</param>
/// <param name="GroupsPerStep">B: groups (prompts) per learner step.</param>
/// <param name="GroupSize">G: responses sampled per prompt.</param>
/// <param name="RlSteps">Learner steps of the RL stage; 0 when the stages have no <c>rl</c>.</param>
/// <param name="PpoEpochs">Passes over each batch.</param>
/// <param name="MiniBatches">Optimizer updates per pass (the batch is split into this many parts).</param>
/// <param name="Generators">Generator actors on this node (0 only on a cluster's learner node).</param>
/// <param name="PromptsPerGeneration">Prompts a generator decodes together in one batched sampling pass.</param>
/// <param name="Verifiers">Verifier actors (a pool) on this node.</param>
/// <param name="StallAfter">The watchdog names any actor that made no progress for this long, and ends the run when
/// the whole pipeline made none (or a prompt sat queued, buffered or in training) for this long.</param>
/// <param name="Leases">How long generators and verifiers may hold a prompt, and failures before quarantine; null:
/// <see cref="DefaultLeases"/>.</param>
/// <param name="PolicyLag">Generators sample with weights this many versions older than the newest they hold (forced
/// staleness for experiments, <see cref="LaggedRolloutBackend"/>); ≤ <paramref name="MaxStaleness"/>. 0 = off.</param>
public sealed record PipelineSettings(
    PipelineStages Stages,
    int MaxStaleness,
    int GroupsPerStep,
    int GroupSize,
    int RlSteps,
    int PpoEpochs,
    int MiniBatches,
    int Generators,
    int PromptsPerGeneration,
    int Verifiers,
    TimeSpan StallAfter,
    int EvalEvery,
    int EvalSize,
    PromptLeases? Leases = null,
    int PolicyLag = 0)
{
    /// <summary>The leases the prompt book enforces (the stall lease is always <see cref="StallAfter"/>).</summary>
    public PromptLeases PromptLeases => (Leases ?? DefaultLeases) with { Stall = StallAfter };

    /// <summary>reference.conf's values, for settings built in code.</summary>
    public static readonly PromptLeases DefaultLeases = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), 3);

    /// <summary>
    /// Groups that may be in generation or waiting in the buffer at once: (η − lag + 1)·B (see RolloutAdmission). A
    /// forced lag uses up that much of the bound, so generators may run only the rest ahead.
    /// </summary>
    public int AdmissionCapacity => (MaxStaleness - PolicyLag + 1) * GroupsPerStep;

    /// <summary>How far generators may run ahead of the learner by timing alone: η − lag (0 = synchronous).</summary>
    public int RunAhead => MaxStaleness - PolicyLag;

    public static PipelineSettings FromConfig(SettingsReader r)
    {
        var stages = PipelineStages.FromConfig(r, "stages");
        var rlSteps = r.GetInt("rl-steps", 0, 10_000_000);
        var settings = new PipelineSettings(
            stages,
            r.GetInt("max-staleness", 0, 1000),
            r.GetInt("groups-per-step", 1, 100_000),
            // Every advantage estimator here (GRPO, Dr. GRPO, RLOO) compares a response with the rest of its group.
            r.GetInt("group-size", 2, 4096),
            // A run without the rl stage trains no RL step, whatever rl-steps says.
            stages.Rl ? rlSteps : 0,
            r.GetInt("ppo-epochs", 1, 100),
            r.GetInt("mini-batches", 1, 10_000),
            r.GetInt("generators", 0, 1024),
            r.GetInt("prompts-per-generation", 1, 4096),
            r.GetInt("verifiers", 1, 1024),
            r.GetDuration("stall-after"),
            r.GetInt("eval-every", 0, 10_000_000),
            r.GetInt("eval-size", 0, 1_000_000),
            new PromptLeases(
                r.GetDuration("generation-lease"),
                r.GetDuration("verification-lease"),
                TimeSpan.Zero,
                r.GetInt("max-generation-failures", 1, 1000)),
            r.GetInt("policy-lag", 0, 1000));
        if (settings.PolicyLag > settings.MaxStaleness)
            throw r.Fail("policy-lag", $"must be ≤ max-staleness ({settings.MaxStaleness}), got {settings.PolicyLag}: every group it samples would be too stale to train on");
        if (settings.MiniBatches > settings.GroupsPerStep)
            throw r.Fail("mini-batches", $"must be ≤ groups-per-step ({settings.GroupsPerStep}), got {settings.MiniBatches}");
        return settings;
    }
}
