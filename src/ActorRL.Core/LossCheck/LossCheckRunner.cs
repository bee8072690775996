using System.Text.Encodings.Web;
using System.Text.Json;

namespace ActorRL.Core.LossCheck;

/// <summary>
/// <c>actorrl loss-check FILE.jsonl</c>: a conformance tool. Each input line
/// <c>{"id", "algorithm": {actorrl.algorithm keys}, "responses": [{"group", "reward", "tokens", "old_logprobs",
/// "new_logprobs", "entropies"?}]}</c> yields one output line, in order,
/// <c>{"id", "loss", "advantages", "grad_new_logprobs", "clip_fraction"}</c> computed in float64 by the learner's own
/// loss. Optional per-response <c>proximal_logprobs</c> (off-policy.mode = decoupled) and <c>reference_logprobs</c>
/// (kl) extend the format. A malformed line yields <c>{"id", "error"}</c> and the run goes on; blank lines are skipped.
/// </summary>
public static class LossCheckRunner
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <returns>0 when every line succeeded, 1 when any line failed.</returns>
    public static int Run(TextReader input, TextWriter output)
    {
        var failed = false;
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            output.WriteLine(Process(line, lineNumber, ref failed));
        }
        output.Flush();
        return failed ? 1 : 0;
    }

    private static string Process(string line, int lineNumber, ref bool failed)
    {
        string? id = null;
        try
        {
            using var document = JsonDocument.Parse(line);
            id = LossCheckParser.TryReadId(document.RootElement);
            var lossCase = LossCheckParser.Parse(document.RootElement);
            var result = LossCheckEvaluator.Evaluate(lossCase.Algorithm, lossCase.Responses);
            if (!double.IsFinite(result.Loss) || result.GradNewLogprobs.Any(g => g.Any(x => !double.IsFinite(x))))
                throw new InvalidDataException("the loss or its gradient is not finite (log-ratios too large?)");
            return Success(lossCase.Id, result);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or ArgumentException)
        {
            failed = true;
            var message = e is JsonException ? $"malformed JSON: {e.Message}" : e.Message;
            return Error(id, $"line {lineNumber}: {message}");
        }
    }

    private static string Success(string id, LossCheckResult result) => Write(w =>
    {
        w.WriteString("id", id);
        w.WriteNumber("loss", result.Loss);
        w.WriteStartArray("advantages");
        foreach (var a in result.Advantages) w.WriteNumberValue(a);
        w.WriteEndArray();
        w.WriteStartArray("grad_new_logprobs");
        foreach (var response in result.GradNewLogprobs)
        {
            w.WriteStartArray();
            foreach (var g in response) w.WriteNumberValue(g);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteNumber("clip_fraction", result.ClipFraction);
    });

    private static string Error(string? id, string message) => Write(w =>
    {
        if (id is null) w.WriteNull("id");
        else w.WriteString("id", id);
        w.WriteString("error", message);
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
