using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// Everything a run is made of, resolved at the edge: settings, the task and where its prompt stream starts,
/// and factories for the compute each actor owns (called on that actor's own thread). With <c>Cluster</c> enabled
/// this node is a cluster's learner node (it also serves weights and work to generator nodes). <c>Probe</c> is
/// told where the learner is in its record of the run (fault injection); null = no one. <c>Deterministic</c>
/// (<c>actorrl.run.deterministic</c>): prompts are handed out in waves (<see cref="Lifecycle.PromptBookShape.InWaves"/>).
/// </summary>
public sealed record PipelineParts(
    PipelineSettings Pipeline,
    bool DynamicSampling,
    int WarmStartSteps,
    IVerifiableTask Task,
    PromptCursor StartCursor,
    Func<int, IRolloutBackend> GeneratorBackend,
    Func<IPolicyTrainer> Trainer,
    IRewardFunction Rewards,
    string? MetricsPath,
    bool EvaluateAround = true,
    Persistence.LedgerPlan? Ledger = null,
    Cluster.ClusterSettings? Cluster = null,
    ILearnerProbe? Probe = null,
    bool Deterministic = false,
    GroupShape? Shape = null);
