using ActorRL.Core.Configuration;
using ActorRL.Tasks.Arithmetic;
using ActorRL.Tasks.Countdown;
using ActorRL.Tasks.Jsonl;

namespace ActorRL.Tasks;

/// <summary>Which task feeds the run and how (<c>actorrl.task</c>).</summary>
/// <param name="Name">Which task (<c>actorrl.task.name</c>).</param>
/// <param name="EvalSize">Held-out evaluation prompts (for jsonl: at most this many of the eval split).</param>
public sealed record TaskSettings(
    TaskName Name,
    int EvalSize,
    ArithmeticSettings Arithmetic,
    CountdownSettings Countdown,
    JsonlSettings Jsonl)
{
    public static TaskSettings FromConfig(SettingsReader r)
    {
        var name = r.GetEnum<TaskName>("name");
        var evalSize = r.GetInt("eval-size", 1, 1_000_000);
        var arithmetic = ArithmeticSettings.FromConfig(r.Section("arithmetic"));
        if (name == TaskName.Arithmetic && evalSize > arithmetic.ProblemCount / 2)
            throw r.Fail("eval-size",
                $"{evalSize} is more than half of the {arithmetic.ProblemCount:0} distinct problems the arithmetic settings allow; lower it or widen digits/operations");
        var jsonl = JsonlSettings.FromConfig(r.Section("jsonl"));
        // Named at task.name, the line the user wrote: the unset path's only location is reference.conf.
        if (name == TaskName.Jsonl && jsonl.Path is null) throw r.Fail("name", "= jsonl needs actorrl.task.jsonl.path (a JSONL file of questions and answers), which is null");
        return new TaskSettings(name, evalSize, arithmetic, CountdownSettings.FromConfig(r.Section("countdown")), jsonl);
    }
}

/// <summary><c>actorrl.task.name</c>.</summary>
public enum TaskName
{
    /// <summary>Generated integer arithmetic (<see cref="ArithmeticTask"/>).</summary>
    Arithmetic,

    /// <summary>Countdown number puzzles (<see cref="CountdownTask"/>).</summary>
    Countdown,

    /// <summary>Math problems from a JSONL file (<see cref="JsonlTask"/>).</summary>
    Jsonl,
}
