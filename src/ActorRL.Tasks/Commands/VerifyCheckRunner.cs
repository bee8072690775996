using System.Text.Json;
using ActorRL.Tasks.MathAnswers;

namespace ActorRL.Tasks.Commands;

/// <summary>
/// The logic of <c>actorrl verify-check FILE.jsonl</c>: each line is <c>{"gold": str, "response": str, "expected": bool}</c>.
/// Prints one line per disagreement (and per malformed line, which counts as failed), then <c>N passed, M failed</c>.
/// </summary>
public static class VerifyCheckRunner
{
    /// <returns>0 when every line passed, 1 otherwise.</returns>
    public static int Run(TextReader jsonl, TextWriter output, double tolerance = MathEquivalence.DefaultTolerance)
    {
        var checker = new MathAnswerChecker(tolerance);
        int passed = 0, failed = 0, lineNumber = 0;
        while (jsonl.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            if (!TryRead(line, out var gold, out var response, out var expected, out var problem))
            {
                failed++;
                output.WriteLine($"line {lineNumber}: {problem}");
                continue;
            }
            var check = checker.Check(gold, response);
            if (check.Correct == expected)
            {
                passed++;
                continue;
            }
            failed++;
            output.WriteLine(
                $"line {lineNumber}: expected {Verdict(expected)}, got {Verdict(check.Correct)}; gold {Quote(check.GoldAnswer)}, " +
                $"extracted {(check.Extracted is null ? "nothing" : Quote(check.Extracted))} [{VerifyCommandLogic.SourceName(check.Source)}]");
        }
        output.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static string Verdict(bool correct) => correct ? "correct" : "wrong";

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static bool TryRead(string line, out string gold, out string response, out bool expected, out string problem)
    {
        (gold, response, expected, problem) = ("", "", false, "");
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { problem = "not a JSON object"; return false; }
            if (!root.TryGetProperty("gold", out var g) || g.ValueKind != JsonValueKind.String) { problem = "\"gold\" must be a string"; return false; }
            if (!root.TryGetProperty("response", out var r) || r.ValueKind != JsonValueKind.String) { problem = "\"response\" must be a string"; return false; }
            if (!root.TryGetProperty("expected", out var e) || e.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problem = "\"expected\" must be true or false";
                return false;
            }
            (gold, response, expected) = (g.GetString()!, r.GetString()!, e.GetBoolean());
            return true;
        }
        catch (JsonException ex)
        {
            problem = $"not valid JSON ({ex.Message})";
            return false;
        }
    }
}
