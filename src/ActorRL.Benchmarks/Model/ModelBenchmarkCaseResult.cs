namespace ActorRL.Benchmarks.Model;

/// <summary>What one case of the model benchmark found.</summary>
/// <param name="PeerInfo">The peer's torch version and parameter count; null when it did not start.</param>
/// <param name="LogProbGap">
/// Largest |our log-prob − the peer's| over the response tokens of the first <see cref="CheckRows"/> learner
/// sequences, both sides on the same weights; null without a peer.
/// </param>
/// <param name="Measurements">Null when the peer failed part-way (its problem says why).</param>
internal sealed record ModelBenchmarkCaseResult(
    ModelBenchmarkCase Case,
    string OursInfo,
    string? PeerInfo,
    double? LogProbGap,
    IReadOnlyList<Measurement>? Measurements,
    string? PeerProblem)
{
    public const int CheckRows = 4;

    /// <summary>
    /// Float32 on both sides, with different attention kernels (fused SDPA vs the peer's written-out softmax): they
    /// agree to about 1e-6; a gap above this limit means the two networks differ and the timings compare unlike work.
    /// </summary>
    public const double LogProbTolerance = 1e-4;

    public bool SameFunction => LogProbGap is not { } gap || gap <= LogProbTolerance;
}
