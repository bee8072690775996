namespace ActorRL.Benchmarks.Model;

/// <summary>
/// Timings (seconds) of one workload on both sides; <see cref="Tokens"/> &gt; 0 makes it a throughput (tokens/s) row.
/// Best of N is the least disturbed run (background load only ever adds time); the median is reported beside it.
/// </summary>
internal sealed record Measurement(string Name, double Tokens)
{
    public List<double> Ours { get; } = [];
    public List<double> Peer { get; } = [];

    public static string SamplingName(int length, bool cache) => $"sampling {length} tokens, {(cache ? "KV cache" : "full recompute")}";
    public static string LearnerName(ModelBenchmarkOptions o) => $"learner step {o.LearnerRows} × {o.LearnerResponseLength}";

    /// <summary>Ours / peer of the best runs, NaN without peer runs.</summary>
    public double BestRatio => Peer.Count > 0 ? Ours.Min() / Peer.Min() : double.NaN;
    public double MedianRatio => Peer.Count > 0 ? Statistics.Median(Ours) / Statistics.Median(Peer) : double.NaN;
}
