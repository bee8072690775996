using System.Globalization;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Commands;

/// <summary>Human-readable descriptions of what a run will do and what it did.</summary>
public static class RunPlan
{
    public static string Describe(ActorRLSettings s) => string.Create(CultureInfo.InvariantCulture,
        $"""
        run:        {s.Run.Directory} (seed {s.Run.Seed})
        task:       {SettingNames.Of(s.Task.Name)}, {s.Pipeline.EvalSize} held-out prompts
        stages:     {s.Pipeline.Stages}
        warm start: {s.WarmStart.Steps} steps × {s.WarmStart.BatchSize} demonstrations, lr {s.WarmStart.LearningRate}
        rl:         {s.Pipeline.RlSteps} steps × {s.Pipeline.GroupsPerStep} groups × {s.Pipeline.GroupSize} responses, loss {s.Algorithm.Loss} ({s.Algorithm.RatioLevel} ratios, clip {s.Algorithm.ClipLow}/{s.Algorithm.ClipHigh}), lr {s.Learner.LearningRate}
        actors:     {s.Pipeline.Generators} generator(s), {s.Pipeline.Verifiers} verifier(s), max staleness {s.Pipeline.MaxStaleness}
        model:      {ModelLine(s.Model)}, learner on {s.Learner.Device}
        """);

    /// <summary>tiny-gpt's own sizes, or what a pretrained folder's config.json holds (checked before this is printed).</summary>
    private static string ModelLine(ActorRL.Model.Settings.ModelSettings m) => m.Family is { } family
        ? $"{ActorRL.Model.HuggingFace.HuggingFaceLoader.ReadConfig(ActorRL.Model.HuggingFace.ModelFolder.Open(m.ModelPath!), family)} from {m.ModelPath}" +
          (m.UseChatTemplate ? ", chat prompts" : "") + (m.EnableThinking == false ? " (thinking off)" : "")
        : $"{m.Architecture} d={m.DModel} layers={m.Layers} heads={m.Heads}";

    /// <param name="stages">A run without RL reports the accuracy its warm start reached.</param>
    public static string DescribeSummary(RunSummary s, string runDirectory, PipelineStages stages)
    {
        string Percent(double? v) => v is null ? "n/a" : (v.Value * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
        var gain = s.AccuracyBefore is { } b && s.AccuracyAfter is { } a ? $" ({(a - b) * 100:+0.0;-0.0} points)" : "";
        var accuracy = stages.Rl
            ? $"Held-out accuracy (greedy): {Percent(s.AccuracyBefore)} {(stages.WarmStart ? "after the warm start" : "before RL")} → {Percent(s.AccuracyAfter)} after RL{gain}"
            : $"Held-out accuracy (greedy) after the warm start: {Percent(s.AccuracyBefore)} (stages = [sft]: no RL)";
        return string.Create(CultureInfo.InvariantCulture,
            $"""
            {accuracy}
            {s.Steps} RL steps ({s.WarmStartSteps} warm-start steps) in {s.WallSeconds:F0} s (RL {s.RlWallSeconds:F0} s); {s.GroupsConsumed} groups used, {s.DroppedStale} dropped stale, {s.DroppedUniform} dropped (equal rewards), max staleness {s.MaxStaleness}
            Run directory: {runDirectory} (summary.json, metrics.jsonl, config.conf, logs; the policy is the ledger's newest checkpoint under checkpoints/: actorrl eval, actorrl export)
            """);
    }
}
