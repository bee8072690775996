using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Tests.Plotting;

/// <summary>
/// A metrics.jsonl shaped like a real run (warm start, evaluation before RL, RL with periodic evaluations, final
/// evaluation), written with the recorder's own serializer so the reader is tested against the real format.
/// </summary>
internal static class SyntheticRun
{
    public static IReadOnlyList<MetricsRecord> Records(int sftSteps = 120, int rlSteps = 80, int evalEvery = 20)
    {
        var random = new Random(7);
        double Noise(double scale) => (random.NextDouble() - 0.5) * 2 * scale;
        var records = new List<MetricsRecord>();
        var wall = 0.0;
        long version = 0;
        for (var step = 1; step <= sftSteps; step++)
        {
            wall += 0.2;
            version++;
            records.Add(new MetricsRecord("sft", step, version, wall, new Dictionary<string, double>
            {
                ["loss"] = 2.4 * Math.Exp(-step / 30.0) + 0.25 + Noise(0.05),
                ["lr"] = 2e-3,
                ["grad_norm"] = 1.5 * Math.Exp(-step / 50.0) + 0.3 + Noise(0.1),
                ["mistake_fraction"] = 0.1,
            }));
        }
        records.Add(Eval(0, version, wall += 3, 0.31));
        for (var step = 1; step <= rlSteps; step++)
        {
            var progress = step / (double)rlSteps;
            wall += 1.1;
            version++;
            records.Add(new MetricsRecord("rl", step, version, wall, new Dictionary<string, double>
            {
                ["loss"] = Noise(0.02),
                ["clip_fraction"] = 0.04 + 0.02 * progress + Noise(0.01),
                ["clip_fraction_low"] = 0.02 + Noise(0.005),
                ["clip_fraction_high"] = 0.02 + 0.02 * progress + Noise(0.005),
                ["entropy"] = 0.9 - 0.4 * progress + Noise(0.05),
                ["approx_kl"] = 0.002 + Noise(0.001),
                ["grad_norm"] = 0.4 + Noise(0.1),
                ["lr"] = 1e-4 * Math.Min(1, step / 10.0),
                ["updates"] = 4,
                ["learner_step_seconds"] = 0.8 + Noise(0.1),
                ["learner_idle_seconds"] = step == 1 ? 2.0 : 0.25 + Noise(0.1),
                ["reward_mean"] = 0.35 + 0.45 * progress + Noise(0.08),
                ["reward_correct"] = 0.3 + 0.5 * progress + Noise(0.08),
                ["reward_format"] = 0.95 + Noise(0.03),
                ["response_length_mean"] = 14 - 3 * progress + Noise(1),
                ["staleness_mean"] = step < 3 ? 0 : 1.2 + Noise(0.3),
                ["staleness_max"] = step < 3 ? 0 : 2,
                ["groups"] = 8,
                ["grad_clip_fraction"] = 0.1 + Noise(0.1),
            }));
            if (step % evalEvery == 0 || step == rlSteps) records.Add(Eval(step, version, wall += 3, 0.31 + 0.42 * progress));
        }
        return records;
    }

    private static MetricsRecord Eval(int step, long version, double wall, double accuracy) =>
        new("eval", step, version, wall, new Dictionary<string, double>
        {
            ["accuracy"] = accuracy,
            ["eval_response_length_mean"] = 13 - 2 * accuracy,
            ["eval_prompts"] = 200,
        });

    public static string WriteMetricsFile(string directory, IEnumerable<string>? extraLines = null)
    {
        var path = Path.Combine(directory, "metrics.jsonl");
        File.WriteAllLines(path, Records().Select(MetricsRecorder.ToJson).Concat(extraLines ?? []));
        return path;
    }
}
