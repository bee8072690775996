using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Training;

namespace ActorRL.Engine.Jobs;

/// <summary>
/// Optional seams into <see cref="TrainingJob"/> for benchmarks, which must run exactly the job a user runs while
/// starting every variant from the same weights and timing what each actor computes, and for fault injection.
/// </summary>
/// <param name="PrepareLearner">Called on the learner's thread once its trainer is built, before any step (e.g. load warm-started weights).</param>
/// <param name="AdjustParts">Applied to the run's parts before the actors start (e.g. wrap backends in timers).</param>
/// <param name="Probe">Told where the learner is in its record of the run (the CLI's <c>ACTORRL_CRASH_AT</c>, tests).</param>
public sealed record TrainingJobHooks(
    Action<PolicyTrainer>? PrepareLearner = null,
    Func<PipelineParts, PipelineParts>? AdjustParts = null,
    ILearnerProbe? Probe = null);
