using System.Text.Json;
using Akka.Actor;

namespace ActorRL.Engine.Pipeline;

/// <summary>Ask the recorder for the latest values of every metric (the live view polls this).</summary>
public sealed record GetLatestMetrics
{
    public static readonly GetLatestMetrics Instance = new();
}

/// <summary>The latest record of each kind (sft, rl, eval), and the stage we are in.</summary>
public sealed record LatestMetrics(IReadOnlyDictionary<string, MetricsRecord> ByKind);

/// <summary>
/// Appends every <see cref="MetricsRecord"/> to metrics.jsonl (one JSON object per line, flushed at once so a
/// crash loses nothing already reported) and remembers the latest of each kind.
/// </summary>
public sealed class MetricsRecorder : ReceiveActor
{
    private readonly StreamWriter? _writer;
    private readonly Dictionary<string, MetricsRecord> _latest = new();

    public MetricsRecorder(string? metricsPath)
    {
        if (metricsPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(metricsPath))!);
            _writer = new StreamWriter(metricsPath, append: true) { AutoFlush = true };
        }
        Receive<MetricsRecord>(r =>
        {
            _latest[r.Kind] = r;
            _writer?.WriteLine(ToJson(r));
        });
        Receive<GetLatestMetrics>(_ => Sender.Tell(new LatestMetrics(new Dictionary<string, MetricsRecord>(_latest))));
    }

    protected override void PostStop() => _writer?.Dispose();

    public static string ToJson(MetricsRecord r)
    {
        var line = new Dictionary<string, object>
        {
            ["kind"] = r.Kind,
            ["step"] = r.Step,
            ["version"] = r.Version,
            ["wall_seconds"] = Math.Round(r.WallSeconds, 3),
        };
        foreach (var (name, value) in r.Values)
            line[name] = double.IsFinite(value) ? value : null!;
        return JsonSerializer.Serialize(line);
    }
}
