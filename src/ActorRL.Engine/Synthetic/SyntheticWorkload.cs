using System.Diagnostics;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Tasks;

namespace ActorRL.Engine.Synthetic;

/// <summary>
/// A workload whose costs are known exactly: a generator spends <see cref="GenerationTime"/> per group (spread
/// over <see cref="DecodeSteps"/> decoding steps) and the learner <see cref="TrainTime"/> per step, sleeping on
/// their own threads so there is no CPU contention. The orchestration benchmark compares measured throughput
/// with the ideal this implies; the pipeline tests use it to exercise flow control at any speed ratio.
/// </summary>
public sealed record SyntheticWorkload(TimeSpan GenerationTime, TimeSpan TrainTime, int GroupSize = 4, int DecodeSteps = 8, int TokensPerStep = 1);

/// <summary>An endless task of numbered prompts whose gold answer is the prompt number.</summary>
public sealed class SyntheticTask : IVerifiableTask
{
    public string Name => "synthetic";

    public TaskPrompt PromptAt(PromptCursor position) =>
        new($"synthetic:{position.Index}", $"prompt {position.Index}", position.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), position);

    public PromptCursor After(PromptCursor position) => position with { Index = position.Index + 1 };

    public IReadOnlyList<TaskPrompt> EvalPrompts { get; } = Array.Empty<TaskPrompt>();

    public bool HasDemonstrations => false;

    public Demonstration DemonstrationAt(long index) => throw new InvalidOperationException("the synthetic task has no demonstrations");

    public string? Alphabet => null;

    public IAnswerVerifier Verifier { get; } = new EchoVerifier();

    /// <summary>Correct when the response is the gold answer.</summary>
    private sealed class EchoVerifier : IAnswerVerifier
    {
        public Verdict Verify(string gold, string response, CancellationToken cancellation = default) =>
            new(response.Trim() == gold, true, response.Trim());
    }
}

/// <summary>Generates groups by sleeping; every token records the backend version current at its step.</summary>
public sealed class SyntheticRolloutBackend(SyntheticWorkload workload, int seed) : IRolloutBackend
{
    private readonly Random _random = new(seed);
    private readonly SyntheticWorkload _workload = workload;

    public long Version { get; private set; } = -1;

    public void LoadWeights(WeightsPublished weights) => Version = weights.Version;

    public IGroupGeneration Begin(IReadOnlyList<WorkItem> items, string generatorName) =>
        new Generation(this, items, generatorName);

    public void Dispose() { }

    private sealed class Generation(SyntheticRolloutBackend backend, IReadOnlyList<WorkItem> items, string generatorName) : IGroupGeneration
    {
        private readonly long _startVersion = backend.Version;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<long> _versions = new();
        private int _step;

        public bool IsFinished => _step >= backend._workload.DecodeSteps;

        public long TokensGenerated { get; private set; }

        public IReadOnlyList<RolloutGroup> Results => items.Select(BuildGroup).ToList();

        public void Step()
        {
            var w = backend._workload;
            // Sleep to a deadline measured from the start, so the sleeps' overshoot does not accumulate.
            SyntheticClock.SleepUntil(_clock, w.GenerationTime * items.Count * (_step + 1) / w.DecodeSteps);
            for (var t = 0; t < w.TokensPerStep; t++) _versions.Add(backend.Version);
            TokensGenerated += (long)w.TokensPerStep * items.Count * w.GroupSize;
            _step++;
        }

        private RolloutGroup BuildGroup(WorkItem item)
        {
            var rollouts = Enumerable.Range(0, backend._workload.GroupSize).Select(_ =>
            {
                // Half the responses echo the gold answer, so rewards vary within a group.
                var text = backend._random.Next(2) == 0 ? item.Prompt.Gold : "wrong";
                var n = _versions.Count;
                return new Rollout(Enumerable.Repeat(1, n).ToList(), Enumerable.Repeat("x", n).ToList(),
                    Enumerable.Repeat(-1f, n).ToList(), _versions.ToList(), text, Truncated: false);
            }).ToList();
            return new RolloutGroup(item.GroupId, item.Prompt.Id, item.Prompt.Text, new[] { 1 }, item.Prompt.Gold, _startVersion, generatorName, rollouts);
        }

        public void Dispose() { }
    }
}

/// <summary>Trains by sleeping; the version advances by one per step, as a real learner's does.</summary>
public sealed class SyntheticTrainer(SyntheticWorkload workload) : IPolicyTrainer
{
    public long Version { get; private set; }

    public IReadOnlyDictionary<string, double> WarmStartStep(int step) => new Dictionary<string, double> { ["loss"] = 0 };

    public void RlStartsHere() { }

    public IReadOnlyDictionary<string, double> Train(IReadOnlyList<RolloutGroup> batch)
    {
        SyntheticClock.SleepUntil(Stopwatch.StartNew(), workload.TrainTime);
        Version++;
        return new Dictionary<string, double> { ["loss"] = 0 };
    }

    public IReadOnlyDictionary<string, double> Evaluate() => new Dictionary<string, double>();

    public PolicySnapshot Snapshot() => new(Version, Array.Empty<NamedArray>());

    /// <summary>The synthetic learner's whole state is its version: one small file, hashed like a real checkpoint.</summary>
    public IReadOnlyList<Persistence.CommittedFile> SaveCheckpoint(string directory, int rlStep) =>
        new[] { Persistence.AtomicFile.Write(directory, "version.txt", System.Text.Encoding.UTF8.GetBytes(Version.ToString(System.Globalization.CultureInfo.InvariantCulture))) };

    public void LoadCheckpoint(string directory, int rlStep) =>
        Version = long.Parse(File.ReadAllText(Path.Combine(directory, "version.txt")), System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() { }
}

/// <summary>Sleeps until a stopwatch reads a deadline: coarse sleep, then a short spin for the last millisecond.</summary>
public static class SyntheticClock
{
    public static void SleepUntil(Stopwatch clock, TimeSpan deadline)
    {
        while (true)
        {
            var left = deadline - clock.Elapsed;
            if (left <= TimeSpan.Zero) return;
            if (left > TimeSpan.FromMilliseconds(2)) Thread.Sleep(left - TimeSpan.FromMilliseconds(1));
            else Thread.SpinWait(200);
        }
    }
}
