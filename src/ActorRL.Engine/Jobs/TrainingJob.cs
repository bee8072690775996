using System.Text.Json;
using ActorRL.Core.Configuration;
using ActorRL.Core.IO;
using Akka.Actor;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Training;
using ActorRL.Model;
using ActorRL.Model.Settings;
using ActorRL.Tasks;
using ActorRL.Tasks.Isolation;
using ActorRL.Tasks.Rewards;
using static TorchSharp.torch;
using Serilog;

namespace ActorRL.Engine.Jobs;

/// <summary>
/// The main job on one node: build the task, the policy replicas and the reward function from settings, run the
/// actor pipeline (warm start, then RL) and write summary.json. The run's policy is the ledger's newest committed
/// checkpoint (the learner commits one after the last step); nothing else writes weights.
/// </summary>
public static class TrainingJob
{
    public const string SummaryFile = "summary.json";
    public const string MetricsFile = "metrics.jsonl";

    /// <summary>
    /// Every check start-up can make, writing nothing: the model folder, the task and its tokenizer, the learner's
    /// device, the ledger's configuration and (in a cluster) that a weight chunk fits a remoting frame.
    /// </summary>
    /// <param name="akkaHocon">The effective <c>akka</c> section (rendered by PipelineConfig).</param>
    /// <exception cref="SettingsException">A setting that cannot work here, naming its key.</exception>
    public static PreparedTraining Prepare(ActorRLSettings settings, string akkaHocon)
    {
        PolicyFactory.CheckPretrained(settings.Model);
        var task = ActorRL.Tasks.TaskFactory.Create(settings.Task, settings.Verifier, settings.Run.Seed);
        var tokenizer = PolicyFactory.CreateTokenizer(settings.Model, task.Alphabet);
        var encoding = PromptEncoding.For(settings.Model, tokenizer);
        Device device;
        try
        {
            device = DeviceSelection.Resolve(settings.Learner.Device);
        }
        catch (ArgumentException e)
        {
            throw new SettingsException("actorrl.learner.device", null, null, e.Message);
        }
        var warmStartSteps = settings.Pipeline.Stages.WarmStart && task.HasDemonstrations ? settings.WarmStart.Steps : 0;
        var akka = ActorSystemConfig.Build(akkaHocon, AkkaLogLevel(settings.Logging.Level), settings.Dispatchers)
            .WithFallback(LedgerConfig.Build(settings.Persistence, settings.Run.Directory));
        if (settings.Cluster.Enabled) settings.Cluster.CheckFitsFrame(akka);
        return new PreparedTraining(settings, task, tokenizer, encoding, device, warmStartSteps, akka);
    }

    /// <summary><see cref="Prepare"/>, then <see cref="RunAsync(PreparedTraining, Func{ActorSystem, IActorRef, CancellationToken, Task}?, CancellationToken, bool, TrainingJobHooks?)"/>.</summary>
    public static Task<RunSummary> RunAsync(ActorRLSettings settings, string akkaHocon,
        Func<ActorSystem, IActorRef, CancellationToken, Task>? observe = null, CancellationToken cancellation = default, bool fresh = false,
        TrainingJobHooks? hooks = null) =>
        RunAsync(Prepare(settings, akkaHocon), observe, cancellation, fresh, hooks);

    /// <param name="observe">Live view / tests: called with the running system and the run's root actor.</param>
    /// <param name="fresh">Start over: delete the ledger's events first (a SQLite ledger goes with the run directory anyway).</param>
    /// <param name="hooks">Benchmarks and fault injection: start from given weights, instrument the parts, watch the learner (see <see cref="TrainingJobHooks"/>).</param>
    public static async Task<RunSummary> RunAsync(PreparedTraining job,
        Func<ActorSystem, IActorRef, CancellationToken, Task>? observe = null, CancellationToken cancellation = default, bool fresh = false,
        TrainingJobHooks? hooks = null)
    {
        var settings = job.Settings;
        var runDir = settings.Run.Directory;
        Directory.CreateDirectory(runDir);
        var seed = settings.Run.Seed;
        using var compute = TorchComputeSettings.Apply(settings.Run);
        var task = job.Task;
        if (settings.Pipeline.Stages.WarmStart && !task.HasDemonstrations)
            Log.Warning("Task {Task} has no demonstrations; the sft stage is skipped", task.Name);
        using var verifier = new IsolatedVerifier(task.Verifier, settings.Verifier.Timeout);
        var overlong = settings.Algorithm.OverlongPenalty.Enabled
            ? new OverlongSettings(true, settings.Generation.MaxNewTokens, settings.Algorithm.OverlongPenalty.CacheLengthFor(settings.Generation.MaxNewTokens))
            : OverlongSettings.Disabled;
        var rewards = new TaskRewardFunction(verifier, new RewardScorer(settings.Verifier, overlong));
        var trainerSettings = new TrainerSettings(settings.Algorithm, settings.Learner, settings.WarmStart, settings.Pipeline, settings.Generation);

        var parts = new PipelineParts(
            settings.Pipeline,
            settings.Algorithm.DynamicSampling,
            job.WarmStartSteps,
            task,
            PromptCursor.Start,
            _ => LaggedRolloutBackend.Over(new PolicyRolloutBackend(
                // Each generator builds its own replica on its own thread; weights come from the hub before any work.
                PolicyFactory.Create(settings.Model, job.Tokenizer, seed, TorchSharp.torch.CPU), job.Encoding,
                settings.Pipeline.GroupSize, settings.Pipeline.PromptsPerGeneration, settings.Generation, seed, settings.ContinuousBatching),
                settings.Pipeline.PolicyLag),
            () =>
            {
                var policy = PolicyFactory.Create(settings.Model, job.Tokenizer, seed, job.LearnerDevice);
                var trainer = new PolicyTrainer(policy, trainerSettings, task, (gold, response) => verifier.Verify(gold, response).Verdict?.Correct == true, job.Encoding);
                hooks?.PrepareLearner?.Invoke(trainer);
                return trainer;
            },
            rewards,
            Path.Combine(runDir, MetricsFile),
            EvaluateAround: settings.Pipeline.EvalSize > 0,
            Ledger: LedgerPlan.From(settings.Persistence, runDir, fresh),
            Cluster: settings.Cluster,
            Probe: hooks?.Probe,
            Deterministic: settings.Run.Deterministic,
            Shape: new GroupShape(settings.Pipeline.GroupSize, settings.Generation.MaxNewTokens, job.Tokenizer.VocabularySize, job.Encoding));
        if (hooks?.AdjustParts is { } adjust) parts = adjust(parts);

        Log.Information("Run {RunDir}: task {Task}, stages {Stages}, loss {Loss}, η = {MaxStaleness}, {Generators} generator(s), learner on {Device}, {Threads} torch thread(s){Deterministic}",
            runDir, task.Name, settings.Pipeline.Stages, settings.Algorithm.Loss, settings.Pipeline.MaxStaleness,
            settings.Pipeline.Generators, job.LearnerDevice.type, TorchSharp.torch.get_num_threads(), settings.Run.Deterministic ? ", deterministic" : "");
        var summary = await PipelineRun.ExecuteAsync(parts, job.Akka, "actorrl", observe, cancellation);
        var summaryPath = Path.Combine(runDir, SummaryFile);
        if (!summary.AlreadyComplete)
            DurableFile.WriteAllBytes(summaryPath, System.Text.Encoding.UTF8.GetBytes(SummaryJson(summary, await ConsumedGroupsAsync(settings.Persistence, runDir))));
        else if (!File.Exists(summaryPath))
        {
            // Killed after the ledger recorded the end but before summary.json was written: rebuilt from the ledger,
            // which knows the steps, versions, accuracies and every consumed group, not the last attempt's counters.
            var consumed = await ConsumedGroupsAsync(settings.Persistence, runDir);
            DurableFile.WriteAllBytes(summaryPath, System.Text.Encoding.UTF8.GetBytes(SummaryJson(summary, consumed, rebuiltFromLedger: true)));
            Log.Warning("summary.json was missing (the run ended just before writing it); rebuilt it from the ledger, without the pipeline's counters");
        }
        return summary;
    }

    /// <summary>The ledger's record of every group trained on (across resumes): which policy versions sampled each.</summary>
    private static async Task<IReadOnlyList<ConsumedGroup>?> ConsumedGroupsAsync(PersistenceSettings persistence, string runDir)
    {
        try
        {
            return ConsumedGroup.From(await LedgerHistory.ReadAsync(persistence, runDir));
        }
        catch (LedgerUnreadableException e)
        {
            Log.Warning("summary.json lists no consumed groups: the ledger could not be read back ({Reason}); `actorrl ledger` shows them later", e.Message);
            return null;
        }
    }

    /// <param name="consumed">Every group the run's counted steps trained on (from the ledger, across resumes); null: not known.</param>
    /// <param name="rebuiltFromLedger">The run had already ended (<see cref="RunSummary.AlreadyComplete"/>): only what the
    /// ledger records is known, so the pipeline's counters and timings are null.</param>
    public static string SummaryJson(RunSummary s, IReadOnlyList<ConsumedGroup>? consumed = null, bool rebuiltFromLedger = false)
    {
        var summary = new Dictionary<string, object?>
        {
            ["accuracy_before"] = s.AccuracyBefore,
            ["accuracy_after"] = s.AccuracyAfter,
            ["accuracy_gain"] = s.AccuracyBefore is { } b && s.AccuracyAfter is { } a ? a - b : null,
            ["steps"] = s.Steps,
            ["warm_start_steps"] = s.WarmStartSteps,
            ["wall_seconds"] = Math.Round(s.WallSeconds, 2),
            ["rl_wall_seconds"] = Math.Round(s.RlWallSeconds, 2),
            ["final_version"] = s.FinalVersion,
            ["groups_consumed"] = s.GroupsConsumed,
            ["groups_dropped_stale"] = s.DroppedStale,
            ["groups_dropped_uniform"] = s.DroppedUniform,
            ["learner_waits_for_due_group"] = s.LearnerWaitsForDueGroup,
            // Groups a generator handed in that this side refused (another generator's attempt; malformed).
            ["groups_refused_from_other_holder"] = s.GroupsRefusedFromOtherHolder,
            ["groups_refused_malformed"] = s.GroupsRefusedMalformed,
            ["generator_failures"] = s.GenerationFailures,
            ["verifier_failures"] = s.VerifierFailures,
            ["max_staleness_observed"] = s.MaxStaleness,
            ["groups_by_node"] = s.GroupsByNode,
            ["prompts_quarantined"] = (s.Quarantined ?? []).Select(q => new Dictionary<string, object>
            {
                ["prompt_id"] = q.PromptId, ["position"] = q.Position, ["failures"] = q.Failures, ["last_failure"] = q.LastFailure,
            }).ToList(),
        };
        if (rebuiltFromLedger)
        {
            foreach (var counter in new[] { "wall_seconds", "rl_wall_seconds", "groups_dropped_stale", "groups_dropped_uniform", "learner_waits_for_due_group",
                         "groups_refused_from_other_holder", "groups_refused_malformed",
                         "generator_failures", "verifier_failures", "max_staleness_observed", "groups_by_node", "prompts_quarantined" })
                summary[counter] = null;
            summary["groups_consumed"] = consumed?.Count;
            summary["rebuilt_from_ledger"] = true;
        }
        if (consumed is not null)
        {
            summary["groups_by_policy_lag"] = ConsumedGroup.CountByLag(consumed)
                .ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value);
        }
        var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
        return consumed is null ? json : ConsumedGroupTable.AppendTo(json, consumed);
    }

    public static string AkkaLogLevel(Serilog.Events.LogEventLevel level) => level switch
    {
        <= Serilog.Events.LogEventLevel.Debug => "DEBUG",
        Serilog.Events.LogEventLevel.Information => "INFO",
        Serilog.Events.LogEventLevel.Warning => "WARNING",
        _ => "ERROR",
    };
}
