using ActorRL.Cli.Plotting;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Cli.Tests.Plotting;

public sealed class MetricsLogTests
{
    [Fact]
    public void ReadsBackWhatTheRecorderWrites()
    {
        var written = new MetricsRecord("rl", 12, 612, 34.5678, new Dictionary<string, double>
        {
            ["reward_mean"] = 0.625,
            ["entropy"] = double.NaN,
            ["staleness_max"] = 2,
        });
        var log = MetricsLog.Parse([MetricsRecorder.ToJson(written)]);

        var record = Assert.Single(log.Records);
        Assert.Empty(log.SkippedLines);
        Assert.Equal(("rl", 12, 612L), (record.Kind, record.Step, record.Version));
        Assert.Equal(34.568, record.WallSeconds);
        Assert.Equal(0.625, record.Values["reward_mean"]);
        Assert.Equal(2, record.Values["staleness_max"]);
        // The recorder writes non-finite values as null; they come back as NaN (a gap), not as zero.
        Assert.True(double.IsNaN(record.Values["entropy"]));
    }

    [Fact]
    public void MalformedLinesAreSkippedAndNamedByLineNumberBlankLinesAreNot()
    {
        string[] lines =
        [
            """{"kind":"sft","step":1,"version":1,"wall_seconds":0.1,"loss":2.5}""",
            "",
            """{"kind":"sft","step":2,"version":2,"wall_seconds":0.2,"loss":2.4}""",
            """{"kind":"sft","step":""",                   // truncated by a crash
            """[1, 2, 3]""",                               // not an object
            """{"step":3,"version":3,"loss":2.3}""",       // no kind
            """{"kind":"rl","step":"four","loss":1}""",    // step not a number
            """{"kind":"rl","step":1,"version":3,"wall_seconds":1.0,"loss":0.1,"note":"text is not a metric"}""",
        ];
        var log = MetricsLog.Parse(lines);

        Assert.Equal([4, 5, 6, 7], log.SkippedLines);
        Assert.Equal([("sft", 1), ("sft", 2), ("rl", 1)], log.Records.Select(r => (r.Kind, r.Step)));
        Assert.Equal(["loss"], log.Records[^1].Values.Keys);
    }
}
