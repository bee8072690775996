using System.Text.Json;

namespace ActorRL.Cli.Tests.Cluster;

/// <summary>The files of a small cluster run the process tests start: its pipeline and its metrics.</summary>
internal static class ClusterRun
{
    /// <summary>
    /// Writes DIR/pipeline.conf: cluster.conf, a one-layer model on 1–2-digit additions, no warm start and no
    /// evaluation, no generators on the learner node (every group comes from generator nodes), the run in DIR/run.
    /// <paramref name="extra"/> is more HOCON inside <c>actorrl { }</c>.
    /// </summary>
    public static string WritePipeline(string dir, int learnerPort, int steps, int groupsPerStep, string extra = "")
    {
        var path = Path.Combine(dir, "pipeline.conf");
        File.WriteAllText(path, $$"""
            include "cluster.conf"
            actorrl {
              run.dir = "{{Path.Combine(dir, "run")}}"
              task.arithmetic { digits-min = 1, digits-max = 2, operations = ["+"] }
              warm-start.steps = 0
              pipeline {
                max-staleness = 4
                groups-per-step = {{groupsPerStep}}
                group-size = 8
                rl-steps = {{steps}}
                eval-size = 0
                generators = 0
                prompts-per-generation = 2
              }
              model { d-model = 32, n-layers = 1, n-heads = 2, max-seq-len = 64 }
              generation.max-new-tokens = 24
              cluster.weight-sync-timeout = 5s
              {{extra}}
            }
            akka.remote.dot-netty.tcp.port = {{learnerPort}}
            """);
        return path;
    }

    /// <summary>The newest RL step in RUN/metrics.jsonl, 0 before the first (a resumed learner rewrites it from its checkpoint on).</summary>
    public static int LatestRlStep(string runDirectory)
    {
        var metrics = Path.Combine(runDirectory, "metrics.jsonl");
        if (!File.Exists(metrics)) return 0;
        using var stream = new FileStream(metrics, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var step = 0;
        while (reader.ReadLine() is { } line)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.GetProperty("kind").GetString() == "rl") step = Math.Max(step, doc.RootElement.GetProperty("step").GetInt32());
            }
            catch (JsonException)
            {
                // A line still being written.
            }
        }
        return step;
    }
}
