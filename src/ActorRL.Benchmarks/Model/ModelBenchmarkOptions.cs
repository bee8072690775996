namespace ActorRL.Benchmarks.Model;

/// <summary>
/// Sizes of the model benchmark. Defaults: the main job's TinyGpt (d 128, 4 layers, 4 heads) and a Qwen3 of the same
/// width, depth and heads (see ModelBenchmarkCase), a GRPO group of 8 samples from one 16-token prompt, responses of
/// 32/128/512 tokens, and a learner batch of 64 responses × 128 tokens.
/// </summary>
/// <param name="Threads">libtorch intra-op threads for both sides; 0 = the machine's processor count.</param>
/// <param name="CacheRepetitions">Timed KV-cache sampling runs per length (best and median reported).</param>
/// <param name="RecomputeRepetitions">Timed full-recompute runs per length (recompute at 512 tokens is slow: one run).</param>
/// <param name="Python">Interpreter with torch (Debian's python3-torch belongs to /usr/bin/python3).</param>
/// <param name="PeerScript">bench/pytorch_peer.py; null = the copy embedded in this assembly.</param>
/// <param name="SkipPeer">Measure ActorRL only.</param>
/// <param name="SettleMilliseconds">Idle time before each timed run, so the other side's spinning worker threads go to sleep first.</param>
/// <param name="Architectures">The cases to measure, in this order; null = TinyGpt then Qwen3.</param>
public sealed record ModelBenchmarkOptions(
    int Vocabulary = 64,
    int DModel = 128,
    int Layers = 4,
    int Heads = 4,
    int PromptLength = 16,
    int SamplingRows = 8,
    IReadOnlyList<int>? ResponseLengths = null,
    int CacheRepetitions = 5,
    IReadOnlyList<int>? RecomputeRepetitions = null,
    int LearnerRows = 64,
    int LearnerResponseLength = 128,
    int LearnerSteps = 5,
    int Threads = 0,
    string Python = "/usr/bin/python3",
    string? PeerScript = null,
    bool SkipPeer = false,
    int SettleMilliseconds = 500,
    IReadOnlyList<ModelBenchmarkArchitecture>? Architectures = null)
{
    public IReadOnlyList<ModelBenchmarkArchitecture> Cases => Architectures ?? [ModelBenchmarkArchitecture.TinyGpt, ModelBenchmarkArchitecture.Qwen3];
    public IReadOnlyList<int> Lengths => ResponseLengths ?? [32, 128, 512];
    public IReadOnlyList<int> RecomputeRuns => RecomputeRepetitions ?? [3, 2, 1];
    public int ThreadCount => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>A fast configuration for smoke tests (seconds, not minutes).</summary>
    public static ModelBenchmarkOptions Quick => new(SettleMilliseconds: 50, DModel: 32, Layers: 2, Heads: 2, SamplingRows: 2, ResponseLengths: [8, 16],
        CacheRepetitions: 1, RecomputeRepetitions: [1, 1], LearnerRows: 4, LearnerResponseLength: 16, LearnerSteps: 1);
}
