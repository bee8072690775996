using System.Globalization;
using System.Text;
using ActorRL.Engine.Configuration;

namespace ActorRL.Engine.Benchmarks;

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

        Line($"{"η",3} {"RL wall s",10} {"vs " + baseName,9} {"speed-up",9} {"learner idle",13} {"gen. idle",10} {"acc. before",12} {"acc. after",11} {"dropped",8} {"staleness",10} {"cores used",11}");
        foreach (var v in variants)
        {
            var ratio = v.Time.WallSeconds / baseline.Time.WallSeconds;
            Line($"{v.MaxStaleness,3} {v.Time.WallSeconds,10:F1} {ratio,9:F2} {1 / ratio,8:F2}x {v.Time.LearnerIdleFraction,13:P1} {v.Time.GeneratorIdleFraction,10:P1} {RealPipelineBenchmark.Percent(v.Summary.AccuracyBefore),12} {RealPipelineBenchmark.Percent(v.Summary.AccuracyAfter),11} {v.Summary.DroppedStale,8} {v.MeanStaleness,10:F2} {Cores(v.Time.CoresUsed),11}");
        }
        text.AppendLine();
        Line($"Where the RL wall time goes (seconds of compute on each actor's own thread; overlap = seconds two or more ran at once):");
        Line($"{"η",3} {"learner step",13} {"weight export",14} {"generation",11} {"weight load",12} {"verifier",9} {"overlap",8} {"nothing running = actor overhead",33}");
        foreach (var v in variants)
        {
            var t = v.Time;
            Line($"{v.MaxStaleness,3} {t.SecondsOf(ComputeKind.LearnerStep),13:F1} {t.SecondsOf(ComputeKind.WeightExport),14:F2} {t.SecondsOf(ComputeKind.Generation),11:F1} {t.SecondsOf(ComputeKind.WeightLoad),12:F2} {t.SecondsOf(ComputeKind.Verification),9:F2} {t.OverlapSeconds,8:F1} {$"{t.NothingRunningSeconds:F2} s = {t.ActorOverheadShare:P2} of wall",33}");
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
                Line($"But on {cores} cores the sync run already kept {used:F2} cores busy on average (model compute uses {cores} intra-op threads): overlap can add at most the idle {Math.Max(0, cores - used):F2} cores, a bound of about {cores / used:F2}x, and only if the work shares the cores without slowing down.");
        }
        return text.ToString();
    }

    private static string Cores(double? used) => used is { } u ? u.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
}
