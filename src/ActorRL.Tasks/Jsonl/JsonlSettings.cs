using ActorRL.Core.Configuration;

namespace ActorRL.Tasks.Jsonl;

/// <summary>Settings of a JSONL math dataset (<c>actorrl.task.jsonl</c>).</summary>
/// <param name="Path">The dataset file (null when the task is not jsonl); relative paths are taken from the working directory.</param>
/// <param name="Template">Prompt template; <c>{question}</c> is replaced by the record's question.</param>
/// <param name="EvalFraction">Fraction of records held out for evaluation, chosen by a hash of the question text.</param>
public sealed record JsonlSettings(string? Path, string Template, double EvalFraction)
{
    public const string QuestionSlot = "{question}";

    public static JsonlSettings FromConfig(SettingsReader r)
    {
        var template = r.GetString("template");
        if (!template.Contains(QuestionSlot, StringComparison.Ordinal))
            throw r.Fail("template", $"must contain {QuestionSlot}, got \"{template}\"");
        var path = r.GetStringOrNull("path");
        if (path is { Length: 0 }) throw r.Fail("path", "is empty; give the dataset file or null");
        return new JsonlSettings(path, template, r.GetDouble("eval-fraction", 0, 0.9));
    }
}
