using System.Diagnostics;
using System.Globalization;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Synthetic;
using ActorRL.Tasks;

namespace ActorRL.Benchmarks.Pipeline;

/// <summary>
/// What the actors themselves cost. Generators and learner sleep a fixed time per group / per step on their own
/// threads (no CPU contention), so the ideal step time is known exactly:
/// synchronous (η = 0): ⌈B / N⌉·T_gen + T_train; asynchronous (η ≥ 1): max(⌈B / N⌉·T_gen, T_train).
/// Prints measured steady-state throughput (first to last learner step, so actor-system start-up and the
/// pipeline's fill are excluded and reported separately) as a fraction of that ideal.
/// </summary>
public static class OrchestrationBenchmark
{
    public sealed record Case(int MaxStaleness, int Generators);

    public sealed record Result(Case Case, double MeasuredStepSeconds, double IdealStepSeconds)
    {
        public double Efficiency => IdealStepSeconds / MeasuredStepSeconds;
    }

    public static async Task<IReadOnlyList<Result>> RunAsync(TextWriter output, int steps = 30, int groupsPerStep = 8,
        double generationMs = 20, double trainMs = 80)
    {
        var cases = new List<Case>();
        foreach (var staleness in new[] { 0, 1, 2, 4 }) cases.Add(new Case(staleness, 2));
        foreach (var generators in new[] { 1, 8 }) { cases.Add(new Case(0, generators)); cases.Add(new Case(2, generators)); }

        var workload = new SyntheticWorkload(TimeSpan.FromMilliseconds(generationMs), TimeSpan.FromMilliseconds(trainMs), GroupSize: 4, DecodeSteps: 4);
        output.WriteLine($"Orchestration benchmark: B = {groupsPerStep} groups/step, T_gen = {generationMs} ms/group, T_train = {trainMs} ms/step, {steps} steps per case");
        output.WriteLine($"{"η",3} {"gens",5} {"ideal s/step",13} {"measured",10} {"efficiency",11} {"first step s",12}");
        var results = new List<Result>();
        foreach (var c in cases)
        {
            var settings = new PipelineSettings(new PipelineStages(WarmStart: false, Rl: true), c.MaxStaleness, groupsPerStep, workload.GroupSize, steps, 1, 1,
                c.Generators, 1, 2, TimeSpan.FromMinutes(5), 0, 0);
            var task = new SyntheticTask();
            var parts = new PipelineParts(settings, false, 0, task, PromptCursor.Start,
                i => new SyntheticRolloutBackend(workload, i), () => new SyntheticTrainer(workload),
                new VerdictRewardFunction(task.Verifier), MetricsPath: null, EvaluateAround: false);
            var stepEnds = new System.Collections.Concurrent.ConcurrentQueue<double>();
            var clock = Stopwatch.StartNew();
            parts = parts with { Trainer = () => new TimedTrainer(new SyntheticTrainer(workload), clock, stepEnds) };
            await PipelineRun.ExecuteAsync(parts, ActorSystemConfig.Build("akka.loglevel = WARNING", "WARNING"), "bench");
            var ends = stepEnds.ToArray();
            var measured = (ends[^1] - ends[0]) / (ends.Length - 1);
            var generateBatch = Math.Ceiling(groupsPerStep / (double)c.Generators) * generationMs / 1000;
            var ideal = c.MaxStaleness == 0 ? generateBatch + trainMs / 1000 : Math.Max(generateBatch, trainMs / 1000);
            var result = new Result(c, measured, ideal);
            results.Add(result);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.MaxStaleness,3} {c.Generators,5} {ideal,13:F4} {measured,10:F4} {result.Efficiency,10:P1} {ends[0],12:F3}"));
        }
        foreach (var generators in new[] { 1, 2, 8 })
        {
            var sync = results.FirstOrDefault(r => r.Case == new Case(0, generators));
            var async = results.FirstOrDefault(r => r.Case == new Case(2, generators));
            if (sync is null || async is null) continue;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{generators} generators: async (η=2) speed-up over sync {sync.MeasuredStepSeconds / async.MeasuredStepSeconds:F2}x, ideal {sync.IdealStepSeconds / async.IdealStepSeconds:F2}x"));
        }
        return results;
    }

    /// <summary>Records when each learner step ends.</summary>
    private sealed class TimedTrainer(IPolicyTrainer inner, Stopwatch clock, System.Collections.Concurrent.ConcurrentQueue<double> ends) : IPolicyTrainer
    {
        public long Version => inner.Version;
        public IReadOnlyDictionary<string, double> WarmStartStep(int step) => inner.WarmStartStep(step);
        public void RlStartsHere() => inner.RlStartsHere();
        public IReadOnlyList<Engine.Persistence.CommittedFile> SaveCheckpoint(string directory, int rlStep) => inner.SaveCheckpoint(directory, rlStep);
        public void LoadCheckpoint(string directory, int rlStep) => inner.LoadCheckpoint(directory, rlStep);
        public IReadOnlyDictionary<string, double> Train(IReadOnlyList<ActorRL.Core.Rollouts.RolloutGroup> batch)
        {
            var values = inner.Train(batch);
            ends.Enqueue(clock.Elapsed.TotalSeconds);
            return values;
        }
        public IReadOnlyDictionary<string, double> Evaluate() => inner.Evaluate();
        public PolicySnapshot Snapshot() => inner.Snapshot();
        public void Dispose() => inner.Dispose();
    }
}
