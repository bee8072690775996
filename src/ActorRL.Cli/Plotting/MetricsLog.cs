using System.Text.Json;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Plotting;

/// <summary>
/// The records of a metrics.jsonl file, in file order, and the line numbers (1-based) of lines that could not be
/// read. A run that crashed mid-write leaves a truncated last line; skipping it keeps the rest of the run plottable.
/// </summary>
public sealed record MetricsLog(IReadOnlyList<MetricsRecord> Records, IReadOnlyList<int> SkippedLines)
{
    public static MetricsLog Read(string path) => Parse(File.ReadLines(path));

    public static MetricsLog Parse(IEnumerable<string> lines)
    {
        var records = new List<MetricsRecord>();
        var skipped = new List<int>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var record = TryParseLine(line);
            if (record is null) skipped.Add(number);
            else records.Add(record);
        }
        return new MetricsLog(records, skipped);
    }

    /// <summary>
    /// One line as <see cref="MetricsRecorder.ToJson"/> writes it: kind, step, version, wall_seconds, then flat
    /// numbers. A null value is a non-finite number (the recorder writes NaN and ±∞ as null) and reads back as NaN;
    /// non-numeric extra fields are not metrics and are ignored. Returns null when the line is not such an object.
    /// </summary>
    public static MetricsRecord? TryParseLine(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (!root.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String) return null;
            if (!root.TryGetProperty("step", out var step) || step.ValueKind != JsonValueKind.Number || !step.TryGetInt32(out var stepValue)) return null;
            var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var versionValue) ? versionValue : 0;
            var wall = root.TryGetProperty("wall_seconds", out var w) && w.ValueKind == JsonValueKind.Number ? w.GetDouble() : double.NaN;
            var values = new Dictionary<string, double>();
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is "kind" or "step" or "version" or "wall_seconds") continue;
                if (property.Value.ValueKind == JsonValueKind.Number) values[property.Name] = property.Value.GetDouble();
                else if (property.Value.ValueKind == JsonValueKind.Null) values[property.Name] = double.NaN;
            }
            return new MetricsRecord(kind.GetString()!, stepValue, version, wall, values);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
