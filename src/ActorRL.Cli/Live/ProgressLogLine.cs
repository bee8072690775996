using Serilog;

namespace ActorRL.Cli.Live;

/// <summary>
/// The live view as log lines, for output that is not a terminal (CI, a redirected file). Every number is a
/// named property, so a structured sink (the run's log file, Seq) can chart them too.
/// </summary>
public static class ProgressLogLine
{
    public static void Write(ILogger log, LiveSnapshot s)
    {
        var elapsed = TimeSpan.FromSeconds(Math.Round(s.Elapsed.TotalSeconds));
        switch (s.Stage)
        {
            case RunStage.Sft:
                log.Information("Warm start step {Step}/{TotalSteps}: loss {Loss:F4}, elapsed {Elapsed}",
                    s.Step, s.TotalSteps, s.Loss, elapsed);
                break;
            case RunStage.Eval:
                log.Information("Evaluating at RL step {Step}/{TotalSteps} (v{Version}); last accuracy {Accuracy:P1}, elapsed {Elapsed}",
                    s.Step, s.TotalSteps, s.Version, s.Accuracy, elapsed);
                break;
            default:
                log.Information(
                    "RL step {Step}/{TotalSteps} v{Version}: reward {Reward:F3}, accuracy {Accuracy:P1}, length {ResponseLength:F1}, " +
                    "clip {ClipFraction:P2}, entropy {Entropy:F3}, staleness {StalenessMean:F2}/{StalenessMax:F0}, " +
                    "dropped {DroppedStale} stale + {DroppedUniform} uniform, {WaitsForDueGroup} waits for a due group, {TokensPerSecond:F0} tokens/s, " +
                    "learner step {LearnerStepSeconds:F2} s, idle learner {LearnerIdleFraction:P0} generators {GeneratorIdleFraction:P0}, elapsed {Elapsed}",
                    s.Step, s.TotalSteps, s.Version, s.Reward, s.Accuracy, s.ResponseLength,
                    s.ClipFraction, s.Entropy, s.StalenessMean, s.StalenessMax,
                    s.DroppedStale, s.DroppedUniform, s.WaitsForDueGroup, s.TokensPerSecond,
                    s.LearnerStepSeconds, s.LearnerIdleFraction, s.GeneratorIdleFraction, elapsed);
                break;
        }
    }
}
