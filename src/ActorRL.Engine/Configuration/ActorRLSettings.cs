using ActorRL.Core.Algorithms;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Logging;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Training;
using ActorRL.Model.Settings;
using ActorRL.Tasks;
using ActorRL.Tasks.Rewards;

namespace ActorRL.Engine.Configuration;

/// <summary>
/// Every typed settings record of a run, built once from the effective configuration. Building it validates
/// the whole pipeline, which is what <c>actorrl config check</c> does.
/// </summary>
public sealed record ActorRLSettings(
    RunSettings Run,
    LoggingSettings Logging,
    PipelineSettings Pipeline,
    GenerationSettings Generation,
    WarmStartSettings WarmStart,
    AlgorithmSettings Algorithm,
    ModelSettings Model,
    LearnerSettings Learner,
    TaskSettings Task,
    VerifierSettings Verifier,
    ActorRL.Engine.Persistence.PersistenceSettings Persistence,
    ClusterSettings Cluster,
    DispatcherSettings Dispatchers)
{
    /// <summary>
    /// Whether generators refill their batch while it runs. A deterministic run batches statically: float sums depend on
    /// the batch a sequence shares, so which prompts share a pass must not depend on timing.
    /// </summary>
    public bool ContinuousBatching => Generation.Batching == Batching.Continuous && !Run.Deterministic;

    public static ActorRLSettings FromConfig(PipelineConfig config)
    {
        var root = config.Reader("actorrl");
        var settings = new ActorRLSettings(
            RunSettings.FromConfig(root.Section("run")),
            LoggingSettings.FromConfig(root.Section("logging")),
            PipelineSettings.FromConfig(root.Section("pipeline")),
            GenerationSettings.FromConfig(root.Section("generation")),
            WarmStartSettings.FromConfig(root.Section("warm-start")),
            AlgorithmSettings.FromConfig(root.Section("algorithm")),
            ModelSettings.FromConfig(root.Section("model")),
            LearnerSettings.FromConfig(root.Section("learner")),
            TaskSettings.FromConfig(root.Section("task")),
            VerifierSettings.FromConfig(root.Section("verifier")),
            ActorRL.Engine.Persistence.PersistenceSettings.FromConfig(root.Section("persistence")),
            ClusterSettings.FromConfig(root.Section("cluster")),
            DispatcherSettings.FromConfig(root.Section("dispatchers")));
        if (settings.Pipeline.Generators == 0 && !settings.Cluster.Enabled)
            throw root.Section("pipeline").Fail("generators", "0 local generators needs cluster mode (include cluster.conf); on one node use at least 1");
        if (settings.Generation.MaxNewTokens >= settings.Model.MaxSequenceLength)
            throw root.Section("generation").Fail("max-new-tokens",
                $"must leave room for the prompt within actorrl.model.max-seq-len ({settings.Model.MaxSequenceLength}), got {settings.Generation.MaxNewTokens}");
        var group = settings.Pipeline.GroupSize;
        if (settings.Generation.MaxBatchSequences is { } sequences && sequences < group)
            throw root.Section("generation").Fail("max-batch-sequences",
                $"must hold at least one group (actorrl.pipeline.group-size = {group} sequences), got {sequences}");
        // One group's worst case: G rows of the longest sequence the model accepts.
        var worstGroup = (long)group * settings.Model.MaxSequenceLength;
        if (settings.Generation.KvBudgetTokens is { } kv && kv < worstGroup)
            throw root.Section("generation").Fail("kv-budget-tokens",
                $"must hold one group's worst case, group-size × actorrl.model.max-seq-len = {group} × {settings.Model.MaxSequenceLength} = {worstGroup} tokens, got {kv}");
        if (settings.Learner.MicroBatchTokens is { } budget && budget < settings.Model.MaxSequenceLength)
            throw root.Section("learner").Fail("micro-batch-tokens",
                $"must hold the longest sequence the model accepts (actorrl.model.max-seq-len = {settings.Model.MaxSequenceLength} tokens, " +
                $"prompt + response), got {budget}; raise it, lower max-seq-len, or set null to score each update whole");
        if (settings.Run.Deterministic && settings.Model.Lora is { Dropout: > 0 } lora)
            throw root.Section("model.lora").Fail("dropout",
                $"must be 0 with actorrl.run.deterministic = true (dropout draws from the global random generator, which a resume does not restore), got {lora.Dropout}");
        if (settings.Run.Deterministic && settings.Pipeline.RunAhead > 0)
            throw root.Section("run").Fail("deterministic",
                $"true needs a synchronous run (actorrl.pipeline.max-staleness = 0, or = policy-lag), got max-staleness = {settings.Pipeline.MaxStaleness}" +
                (settings.Pipeline.PolicyLag > 0 ? $" with policy-lag = {settings.Pipeline.PolicyLag}" : "") + ": " +
                "an asynchronous run depends on timing and cannot reproduce bit for bit (docs/reproducibility.md)");
        return settings;
    }
}
