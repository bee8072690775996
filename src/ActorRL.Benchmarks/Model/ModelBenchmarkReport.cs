using System.Globalization;

namespace ActorRL.Benchmarks.Model;

/// <summary>The model benchmark's Markdown: one table per case, then the ratios of every case side by side.</summary>
internal static class ModelBenchmarkReport
{
    public static void Case(TextWriter output, ModelBenchmarkOptions o, ModelBenchmarkCaseResult result)
    {
        output.WriteLine();
        output.WriteLine($"### {result.Case.Name}: {result.Case.Description}");
        output.WriteLine();
        output.WriteLine($"ActorRL: {result.OursInfo}" + (result.PeerInfo is null ? "" : $"; peer: {result.PeerInfo}"));
        if (result.LogProbGap is { } gap)
            output.WriteLine($"Same weights on both sides: max |Δ log-prob| over {ModelBenchmarkCaseResult.CheckRows} × {o.LearnerResponseLength} response tokens = " +
                             $"{F(gap, "0.0E+0")} ({(result.SameFunction ? "ok" : "MISMATCH")}, limit {F(ModelBenchmarkCaseResult.LogProbTolerance, "0E+0")})");
        if (result.Measurements is not { } measurements) return;
        output.WriteLine();
        output.WriteLine("| measurement (best of N) | runs | ActorRL | PyTorch | ActorRL / PyTorch time, best | … median |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var m in measurements)
        {
            var peer = m.Peer.Count > 0 ? m.Peer.Min() : double.NaN;
            string Show(double seconds) => double.IsNaN(seconds) ? "–"
                : m.Tokens > 0 ? $"{F(m.Tokens / seconds, "F0")} tok/s" : $"{F(seconds * 1000, "F1")} ms";
            output.WriteLine($"| {m.Name} | {m.Ours.Count} | {Show(m.Ours.Min())} | {Show(peer)} | {Ratio(m.BestRatio)} | {Ratio(m.MedianRatio)} |");
        }
        output.WriteLine();
        foreach (var length in o.Lengths)
        {
            var cached = measurements.Single(m => m.Name == Measurement.SamplingName(length, true));
            var recomputed = measurements.Single(m => m.Name == Measurement.SamplingName(length, false));
            var line = $"KV cache speed-up over full recompute at {length} tokens: ActorRL {F(recomputed.Ours.Min() / cached.Ours.Min(), "F1")}×";
            if (cached.Peer.Count > 0 && recomputed.Peer.Count > 0)
                line += $", PyTorch {F(recomputed.Peer.Min() / cached.Peer.Min(), "F1")}×";
            output.WriteLine(line);
        }
    }

    /// <summary>The headline: KV-cache decoding and learner-step ratios of every case in one table, best of N (median).</summary>
    public static void SideBySide(TextWriter output, ModelBenchmarkOptions o, IReadOnlyList<ModelBenchmarkCaseResult> results)
    {
        output.WriteLine();
        output.WriteLine("### Side by side: ActorRL / PyTorch time, best of N (median); below 1 = ActorRL faster");
        output.WriteLine();
        output.WriteLine($"| model | {string.Join(" | ", o.Lengths.Select(l => $"KV-cache decoding {l} tokens"))} | {Measurement.LearnerName(o)} |");
        output.WriteLine($"|---|{string.Concat(o.Lengths.Select(_ => "---:|"))}---:|");
        foreach (var result in results)
        {
            var names = o.Lengths.Select(l => Measurement.SamplingName(l, true)).Append(Measurement.LearnerName(o));
            var cells = names.Select(name => result.Measurements?.SingleOrDefault(m => m.Name == name) is { } m && m.Peer.Count > 0
                ? $"{Ratio(m.BestRatio)} ({Ratio(m.MedianRatio)})"
                : "–");
            output.WriteLine($"| {result.Case.Name} | {string.Join(" | ", cells)} |");
        }
        output.WriteLine();
    }

    private static string Ratio(double ratio) => double.IsNaN(ratio) ? "–" : F(ratio, "F2");

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
