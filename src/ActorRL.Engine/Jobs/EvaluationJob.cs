using ActorRL.Engine.Configuration;
using ActorRL.Engine.Persistence;
using ActorRL.Engine.Training;
using ActorRL.Model;
using ActorRL.Model.Checkpoints;
using ActorRL.Model.Policies;
using ActorRL.Model.Settings;
using ActorRL.Tasks.Isolation;
using static TorchSharp.torch;

namespace ActorRL.Engine.Jobs;

/// <summary>What <c>actorrl eval</c> reports: greedy accuracy, and avg@k / pass@k of k sampled responses per prompt.</summary>
public sealed record EvaluationReport(int Prompts, int K, double Temperature, double GreedyAccuracy, double AverageAtK, double PassAtK, long Version);

/// <summary>Evaluates a saved policy on the task's held-out split, with the run's own settings.</summary>
public static class EvaluationJob
{
    public static EvaluationReport Run(ActorRLSettings settings, string checkpointDirectory, int k, int? prompts = null)
    {
        var task = ActorRL.Tasks.TaskFactory.Create(settings.Task, settings.Verifier, settings.Run.Seed);
        var tokenizer = PolicyFactory.CreateTokenizer(settings.Model, task.Alphabet);
        var encoding = PromptEncoding.For(settings.Model, tokenizer);
        using var policy = PolicyFactory.Create(settings.Model, tokenizer, settings.Run.Seed, DeviceSelection.Resolve(settings.Learner.Device));
        RunPolicy.LoadVerified(checkpointDirectory, policy);
        using var verifier = new IsolatedVerifier(task.Verifier, settings.Verifier.Timeout);
        bool Correct(string gold, string response) => verifier.Verify(gold, response).Verdict?.Correct == true;

        var evalPrompts = task.EvalPrompts.Take(prompts ?? settings.Pipeline.EvalSize).ToList();
        if (evalPrompts.Count == 0) throw new ArgumentException("the task has no held-out prompts to evaluate on");
        var generation = settings.Generation;
        var temperature = generation.Temperature > 0 ? generation.Temperature : 1.0;
        int greedyCorrect = 0, sampledCorrect = 0, anyCorrect = 0;
        const int chunk = 50;
        for (var start = 0; start < evalPrompts.Count; start += chunk)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var part = evalPrompts.Skip(start).Take(chunk).ToList();
            var encoded = part.Select(p => encoding.Prompt(p.Text)).ToList();
            var stop = generation.StopStrings.Count > 0 ? generation.StopStrings : null;
            foreach (var r in policy.Sample(new SamplingRequest(encoded, 1, 0, 1, generation.MaxNewTokens, encoding.StopTokenIds, stop)))
                if (Correct(part[r.PromptIndex].Gold, r.Text)) greedyCorrect++;
            var sampled = policy.Sample(new SamplingRequest(encoded, k, temperature, generation.TopP, generation.MaxNewTokens,
                encoding.StopTokenIds, stop, Seed: settings.Run.Seed + start));
            foreach (var group in sampled.GroupBy(r => r.PromptIndex))
            {
                var correct = group.Count(r => Correct(part[group.Key].Gold, r.Text));
                sampledCorrect += correct;
                if (correct > 0) anyCorrect++;
            }
        }
        var n = evalPrompts.Count;
        return new EvaluationReport(n, k, temperature, greedyCorrect / (double)n, sampledCorrect / (double)(n * k), anyCorrect / (double)n, policy.Version);
    }
}
