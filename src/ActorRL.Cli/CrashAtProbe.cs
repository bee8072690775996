using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli;

/// <summary>
/// Fault injection for the recovery tests: <c>ACTORRL_CRASH_AT=POINT:N</c> makes <c>actorrl train</c> kill itself
/// (SIGKILL, as <c>kill -9</c> would) when the learner reaches that point for the N-th step. Points: <c>step</c>
/// (RL step N trained, nothing recorded yet), <c>checkpoint-write</c> (the checkpoint of step N is on disk, its
/// ledger event not yet persisted), <c>after-checkpoint</c> (the event of step N's checkpoint is durable).
/// Installed only when the variable is set.
/// </summary>
public sealed class CrashAtProbe : ILearnerProbe
{
    public const string Variable = "ACTORRL_CRASH_AT";

    private readonly string _point;
    private readonly int _step;

    private CrashAtProbe(string point, int step)
    {
        _point = point;
        _step = step;
    }

    /// <summary>The probe <c>ACTORRL_CRASH_AT</c> asks for; null when it is unset (or not POINT:N).</summary>
    public static CrashAtProbe? FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    public static CrashAtProbe? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(':');
        return parts.Length == 2 && int.TryParse(parts[1], out var step) ? new CrashAtProbe(parts[0].Trim(), step) : null;
    }

    public void StepTrained(int step) => Reached("step", step);

    public void CheckpointWritten(int step) => Reached("checkpoint-write", step);

    public void CheckpointCommitted(int step) => Reached("after-checkpoint", step);

    private void Reached(string point, int step)
    {
        if (point != _point || step != _step) return;
        Console.Error.WriteLine($"{Variable}: killing the process at {point}:{step}");
        Console.Error.Flush();
        System.Diagnostics.Process.GetCurrentProcess().Kill();
    }
}
