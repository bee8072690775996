using System.Text.Json;

namespace ActorRL.Tasks.Jsonl;

/// <summary>One dataset line: the question, the full answer text as given, and the gold answer extracted from it.</summary>
public sealed record JsonlRecord(int Line, string Question, string Answer, string Gold)
{
    /// <summary>
    /// Reads <c>{"question": ..., "answer": ...}</c> lines (blank lines skipped). The gold answer is what follows
    /// GSM8K's <c>####</c>, else the last <c>\boxed{}</c> of a MATH solution, else the whole answer.
    /// </summary>
    public static List<JsonlRecord> ReadAll(string path)
    {
        if (!File.Exists(path)) throw new TaskDataException($"{path}: dataset file not found");
        var records = new List<JsonlRecord>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            records.Add(Parse(path, lineNumber, line));
        }
        if (records.Count == 0) throw new TaskDataException($"{path}: no records (expected lines like {{\"question\": \"...\", \"answer\": \"...\"}})");
        return records;
    }

    private static JsonlRecord Parse(string path, int lineNumber, string line)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new TaskDataException($"{path}:{lineNumber}: not valid JSON ({e.Message})");
        }
        var question = Field(root, "question", path, lineNumber);
        var answer = Field(root, "answer", path, lineNumber);
        var gold = MathAnswers.AnswerExtractor.FromGold(answer);
        if (gold.Length == 0) throw new TaskDataException($"{path}:{lineNumber}: the answer has no final answer (empty after #### or \\boxed{{}})");
        return new JsonlRecord(lineNumber, question, answer, gold);
    }

    private static string Field(JsonElement root, string name, string path, int lineNumber)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out var value))
            throw new TaskDataException($"{path}:{lineNumber}: missing \"{name}\"");
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new TaskDataException($"{path}:{lineNumber}: \"{name}\" must be a string, got {value.ValueKind}"),
        };
    }
}
