using System.Globalization;
using System.Text;
using ActorRL.Engine.Configuration;

namespace ActorRL.Benchmarks.Pipeline;

/// <summary>Prints a <see cref="RealPipelineBenchmark.Report"/>: variants side by side, then where the time went.</summary>
public static class RealBenchmarkTable
{
    public static string Render(RealPipelineBenchmark.Report report, ActorRLSettings settings, int cores)
    {
        var text = new StringBuilder();
        void Line(FormattableString s) => text.AppendLine(s.ToString(CultureInfo.InvariantCulture));
        var variants = report.Variants;
        var baseline = variants[0];
        var baseName = baseline.MaxStaleness == 0 ? "sync" : $"η={baseline.MaxStaleness}";

        var rounds = variants.Max(v => v.RoundWallSeconds.Count);
        if (rounds > 1) Line($"Each variant ran {rounds} times, interleaved; shown: its fastest round (all rounds' RL wall times in the last column).");
        Line($"{"η",5} {"RL wall s",10} {"vs " + baseName,9} {"speed-up",9} {"learner idle",13} {"gen. idle",10} {"acc. before",12} {"acc. after",11} {"dropped",8} {"staleness",10} {"cores used",11}{(rounds > 1 ? "  rounds s" : "")}");
        foreach (var v in variants)
        {
            var ratio = v.Time.WallSeconds / baseline.Time.WallSeconds;
            Line($"{v.Label,5} {v.Time.WallSeconds,10:F1} {ratio,9:F2} {1 / ratio,8:F2}x {v.Time.LearnerIdleFraction,13:P1} {v.Time.GeneratorIdleFraction,10:P1} {RealPipelineBenchmark.Percent(v.Summary.AccuracyBefore),12} {RealPipelineBenchmark.Percent(v.Summary.AccuracyAfter),11} {v.Summary.DroppedStale,8} {v.MeanStaleness,10:F2} {Cores(v.Time.CoresUsed),11}{(rounds > 1 ? "  " + string.Join(" / ", v.RoundWallSeconds.Select(w => w.ToString("F1", CultureInfo.InvariantCulture))) : "")}");
        }
        if (variants.Any(v => v.Deterministic))
            Line($"0 d: η = 0 with actorrl.run.deterministic = true (bit-for-bit reproducible; docs/reproducibility.md).");
        text.AppendLine();
        Line($"Where the RL wall time goes (seconds of compute on each actor's own thread; overlap = seconds two or more ran at once):");
        Line($"{"η",5} {"learner step",13} {"weight export",14} {"generation",11} {"weight load",12} {"verifier",9} {"overlap",8} {"nothing running = actor overhead",33}");
        foreach (var v in variants)
        {
            var t = v.Time;
            Line($"{v.Label,5} {t.SecondsOf(ComputeKind.LearnerStep),13:F1} {t.SecondsOf(ComputeKind.WeightExport),14:F2} {t.SecondsOf(ComputeKind.Generation),11:F1} {t.SecondsOf(ComputeKind.WeightLoad),12:F2} {t.SecondsOf(ComputeKind.Verification),9:F2} {t.OverlapSeconds,8:F1} {$"{t.NothingRunningSeconds:F2} s = {t.ActorOverheadShare:P2} of wall",33}");
        }
        text.AppendLine();
        var steps = settings.Pipeline.RlSteps;
        Line($"Outside the RL wall time: warm start {report.WarmStartSeconds:F1} s ({report.WarmStartSteps} steps, once); evaluation before + after RL ({settings.Pipeline.EvalSize} prompts, greedy) {variants.Average(v => v.Time.EvaluationOutsideSeconds):F1} s per variant.");
        if (baseline.MaxStaleness == 0)
        {
            var t = baseline.Time;
            var learner = t.SecondsOf(ComputeKind.LearnerStep) + t.SecondsOf(ComputeKind.WeightExport);
            var generator = t.SecondsOf(ComputeKind.Generation) + t.SecondsOf(ComputeKind.WeightLoad);
            var verifier = t.SecondsOf(ComputeKind.Verification);
            var ideal = (learner + generator + verifier) / Math.Max(learner, Math.Max(generator, verifier));
            Line($"Sync per step: learner {learner / steps:F3} s, generation {generator / steps:F3} s, verifier {verifier / steps:F3} s. With a core free for every actor, overlap could at best give (L + G + V) / max(L, G, V) = {ideal:F2}x.");
            if (t.CoresUsed is { } used)
                Line($"On {cores} cores the sync run's process already used {used:F2} cores' worth of CPU on average (the learner's step and the decoder each run {cores} intra-op threads): overlapping them can only fill the other {Math.Max(0, cores - used):F2}, and work that shares a core runs slower.");
        }
        return text.ToString();
    }

    private static string Cores(double? used) => used is { } u ? u.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
}
