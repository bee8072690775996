using ActorRL.Core.Configuration;
using ActorRL.Tasks.Arithmetic;
using ActorRL.Tasks.Countdown;
using ActorRL.Tasks.Jsonl;

namespace ActorRL.Tasks;

/// <summary>Which task feeds the run and how (<c>actorrl.task</c>).</summary>
/// <param name="Name">arithmetic | countdown | jsonl.</param>
/// <param name="EvalSize">Held-out evaluation prompts (for jsonl: at most this many of the eval split).</param>
public sealed record TaskSettings(
    string Name,
    int EvalSize,
    ArithmeticSettings Arithmetic,
    CountdownSettings Countdown,
    JsonlSettings Jsonl)
{
    public static readonly string[] Names = ["arithmetic", "countdown", "jsonl"];

    public static TaskSettings FromConfig(SettingsReader r)
    {
        var name = r.GetEnum("name", Names);
        var evalSize = r.GetInt("eval-size", 1, 1_000_000);
        var arithmetic = ArithmeticSettings.FromConfig(r.Section("arithmetic"));
        if (name == "arithmetic" && evalSize > arithmetic.ProblemCount / 2)
            throw r.Fail("eval-size",
                $"{evalSize} is more than half of the {arithmetic.ProblemCount:0} distinct problems the arithmetic settings allow; lower it or widen digits/operations");
        var jsonl = JsonlSettings.FromConfig(r.Section("jsonl"));
        if (name == "jsonl" && jsonl.Path is null) throw r.Section("jsonl").Fail("path", "must be set when actorrl.task.name = jsonl");
        return new TaskSettings(name, evalSize, arithmetic, CountdownSettings.FromConfig(r.Section("countdown")), jsonl);
    }
}
