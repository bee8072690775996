using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Pipeline;

/// <summary>Runs the real actor pipeline on a synthetic workload and records what the learner consumed.</summary>
internal static class PipelineHarness
{
    public static PipelineSettings Settings(int maxStaleness = 1, int groupsPerStep = 4, int steps = 8, int generators = 2, int groupSize = 2) =>
        new(new PipelineStages(WarmStart: false, Rl: true), maxStaleness, groupsPerStep, groupSize, steps, 1, 1, generators, 1, 2, TimeSpan.FromSeconds(30), 0, 0);

    /// <summary>A learner that sleeps like <see cref="SyntheticTrainer"/> and remembers every batch with its version.</summary>
    public sealed class RecordingTrainer(SyntheticWorkload workload, ConcurrentQueue<(long Version, RolloutGroup Group)> consumed) : IPolicyTrainer
    {
        private readonly SyntheticTrainer _inner = new(workload);
        public long Version => _inner.Version;
        public IReadOnlyDictionary<string, double> WarmStartStep(int step) => _inner.WarmStartStep(step);
        public void RlStartsHere() => _inner.RlStartsHere();
        public IReadOnlyList<Engine.Persistence.CommittedFile> SaveCheckpoint(string directory, int rlStep) => _inner.SaveCheckpoint(directory, rlStep);
        public void LoadCheckpoint(string directory, int rlStep) => _inner.LoadCheckpoint(directory, rlStep);
        public IReadOnlyDictionary<string, double> Train(IReadOnlyList<RolloutGroup> batch)
        {
            foreach (var g in batch) consumed.Enqueue((_inner.Version, g));
            return _inner.Train(batch);
        }
        public IReadOnlyDictionary<string, double> Evaluate() => _inner.Evaluate();
        public PolicySnapshot Snapshot() => _inner.Snapshot();
        public void Dispose() => _inner.Dispose();
    }


    public static Config AkkaConfig => ActorSystemConfig.Build("akka.stdout-loglevel = OFF\nakka.loglevel = WARNING", "WARNING");

    public static async Task<(RunSummary Summary, List<(long Version, RolloutGroup Group)> Consumed, List<CoordinatorStats> Samples)> RunAsync(
        PipelineSettings settings, SyntheticWorkload workload, Func<int, IRolloutBackend>? generatorBackend = null,
        bool dynamicSampling = false, TimeSpan? timeout = null, IVerifiableTask? task = null,
        Func<IPolicyTrainer, IPolicyTrainer>? wrapTrainer = null, Action<CancellationToken>? whenStopping = null)
    {
        var consumed = new ConcurrentQueue<(long, RolloutGroup)>();
        var samples = new ConcurrentQueue<CoordinatorStats>();
        task ??= new SyntheticTask();
        var parts = new PipelineParts(settings, dynamicSampling, 0, task, PromptCursor.Start,
            generatorBackend ?? (i => new SyntheticRolloutBackend(workload, 17 + i)),
            () => (wrapTrainer ?? (t => t))(new RecordingTrainer(workload, consumed)),
            new VerdictRewardFunction(task.Verifier), MetricsPath: null, EvaluateAround: false);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var summary = await PipelineRun.ExecuteAsync(parts, AkkaConfig, "pipeline-test", async (system, root, stop) =>
        {
            if (whenStopping is not null) stop.Register(() => whenStopping(stop));
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    samples.Enqueue(await root.Ask<CoordinatorStats>(GetCoordinatorStats.Instance, TimeSpan.FromSeconds(5), stop));
                    await Task.Delay(5, stop);
                }
                catch (OperationCanceledException) { return; }
                catch (AskTimeoutException) { }
            }
        }, cts.Token);
        return (summary, consumed.ToList(), samples.ToList());
    }
}
