namespace ActorRL.Engine.Persistence;

/// <summary>
/// Fault injection for the recovery tests: <c>ACTORRL_CRASH_AT=POINT:N</c> makes the process kill itself
/// (SIGKILL, as <c>kill -9</c> would) when the learner reaches that point for the N-th step. Points:
/// <c>step</c> (RL step N trained, nothing recorded yet), <c>checkpoint-write</c> (the checkpoint of step N is on
/// disk, its ledger event not yet persisted), <c>after-checkpoint</c> (the event of step N's checkpoint is durable).
/// Read once from the environment; unset in normal runs, where this does nothing.
/// </summary>
public static class CrashPoints
{
    public const string Variable = "ACTORRL_CRASH_AT";

    private static readonly (string Point, int Step)? Target = Parse(Environment.GetEnvironmentVariable(Variable));

    public static void Reached(string point, int step)
    {
        if (Target is not { } target || target.Point != point || target.Step != step) return;
        Console.Error.WriteLine($"{Variable}: killing the process at {point}:{step}");
        Console.Error.Flush();
        System.Diagnostics.Process.GetCurrentProcess().Kill();
    }

    private static (string, int)? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(':');
        return parts.Length == 2 && int.TryParse(parts[1], out var step) ? (parts[0].Trim(), step) : null;
    }
}
