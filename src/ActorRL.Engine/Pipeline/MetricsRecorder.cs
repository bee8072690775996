using System.Text.Json;
using Akka.Actor;
using ActorRL.Core.IO;

namespace ActorRL.Engine.Pipeline;

/// <summary>Ask the recorder for the latest values of every metric (the live view polls this).</summary>
public sealed record GetLatestMetrics
{
    public static readonly GetLatestMetrics Instance = new();
}

/// <summary>
/// Learner → recorder, before its first record of a resumed (or restarted) run: drop what a crashed attempt wrote
/// after the checkpoint being resumed from, so metrics.jsonl has each step once. <paramref name="KeepUpToStep"/>
/// null drops everything (nothing was committed).
/// </summary>
public sealed record TruncateMetrics(int? KeepUpToStep);

/// <summary>The latest record of each kind (sft, rl, eval), and the stage we are in.</summary>
public sealed record LatestMetrics(IReadOnlyDictionary<string, MetricsRecord> ByKind);

/// <summary>
/// Appends every <see cref="MetricsRecord"/> to metrics.jsonl (one JSON object per line, flushed at once so a
/// crash loses nothing already reported) and remembers the latest of each kind.
/// </summary>
public sealed class MetricsRecorder : ReceiveActor
{
    private readonly string? _path;
    private StreamWriter? _writer;
    private readonly Dictionary<string, MetricsRecord> _latest = new();

    public MetricsRecorder(string? metricsPath)
    {
        _path = metricsPath;
        if (metricsPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(metricsPath))!);
            _writer = Open(metricsPath);
        }
        Receive<TruncateMetrics>(Truncate);
        Receive<MetricsRecord>(r =>
        {
            _latest[r.Kind] = r;
            _writer?.WriteLine(ToJson(r));
        });
        Receive<GetLatestMetrics>(_ => Sender.Tell(new LatestMetrics(new Dictionary<string, MetricsRecord>(_latest))));
    }

    protected override void PostStop() => _writer?.Dispose();

    private static StreamWriter Open(string path) => new(path, append: true) { AutoFlush = true };

    private void Truncate(TruncateMetrics truncate)
    {
        if (_path is null || _writer is null) return;
        _writer.Dispose();
        var kept = File.ReadLines(_path).Where(line => Keeps(line, truncate.KeepUpToStep)).ToList();
        DurableFile.WriteAllLines(_path, kept);
        _writer = Open(_path);
    }

    /// <summary>Warm-start records survive any resume (the warm start is committed with the first checkpoint).</summary>
    private static bool Keeps(string line, int? keepUpToStep)
    {
        if (keepUpToStep is not { } last) return false;
        try
        {
            using var json = JsonDocument.Parse(line);
            var kind = json.RootElement.GetProperty("kind").GetString();
            return kind == "sft" || json.RootElement.GetProperty("step").GetInt32() <= last;
        }
        catch (JsonException)
        {
            return false; // a line torn by the crash
        }
    }

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
