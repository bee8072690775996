using System.Text.Json;
using System.Text.RegularExpressions;
using ActorRL.Cli.Tests.Models;

namespace ActorRL.Cli.Tests.Cluster;

/// <summary>
/// A LoRA run across processes: a learner node and a generator node on 127.0.0.1, both loading the same qwen3 base
/// folder. The generator node must sample with base + adapters and receive only the adapters over the wire.
/// </summary>
public sealed partial class LoraClusterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-lora-cluster-").FullName;
    private readonly List<NodeProcess> _processes = new();

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private const int Steps = 6;
    private const int GroupsPerStep = 2;

    [GeneratedRegex(@"Weights version (\d+): (\d+) bytes")]
    private static partial Regex WeightsReceived();

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_generator_node_trains_with_adapter_snapshots_only()
    {
        var model = await TinyQwen3Model.InitAsync(_dir);
        var learnerPort = NodeProcess.FreePort();
        var pipeline = Path.Combine(_dir, "pipeline.conf");
        File.WriteAllText(pipeline, $$"""
            include "cluster.conf"
            actorrl {
              run.dir = "{{Path.Combine(_dir, "run")}}"
              logging { level = debug, file = false }
              model {
                architecture = qwen3, path = "{{model}}", max-seq-len = 192, chat-template = true, enable-thinking = false
                lora { rank = 4, alpha = 8 }
              }
              task.arithmetic { digits-max = 2, demo-style = direct }
              warm-start { steps = 2, batch-size = 4 }
              learner.lr = 1e-2
              pipeline { max-staleness = 1, groups-per-step = {{GroupsPerStep}}, group-size = 4, rl-steps = {{Steps}}, eval-size = 0, generators = 0, prompts-per-generation = 2 }
              generation.max-new-tokens = 10
              cluster.weight-sync-timeout = 5s
            }
            akka.remote.dot-netty.tcp.port = {{learnerPort}}
            """);
        var learner = new NodeProcess("learner", "train", pipeline);
        _processes.Add(learner);
        var generatorPort = NodeProcess.FreePort();
        var generator = new NodeProcess("generator", "node", "--role", "generator", "--seed-nodes", $"akka.tcp://actorrl@127.0.0.1:{learnerPort}",
            "--config", pipeline, "--port", generatorPort.ToString());
        _processes.Add(generator);

        var code = await learner.WaitAsync(TimeSpan.FromSeconds(300));
        Assert.True(code == 0, $"learner exit code {code}:\n{learner.Tail()}");
        Assert.Equal(0, await generator.WaitAsync(TimeSpan.FromSeconds(60)));

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "run", "summary.json")));
        var byNode = summary.RootElement.GetProperty("groups_by_node").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(Steps * GroupsPerStep, byNode.GetValueOrDefault($"akka.tcp://actorrl@127.0.0.1:{generatorPort}"));

        // Every version the node received was the adapters alone: 7 projections × rank 4 × (in + out) float32s of the
        // one layer, 8,960 bytes of values plus names and framing — not the base (79,648 bytes in its file).
        var received = WeightsReceived().Matches(generator.Output).Select(m => (Version: long.Parse(m.Groups[1].Value), Bytes: long.Parse(m.Groups[2].Value))).ToList();
        Assert.True(received.Count >= 2, $"the node logged {received.Count} weight versions:\n{generator.Tail()}");
        Assert.Contains(received, r => r.Version >= Steps - 1);
        var baseBytes = new FileInfo(Path.Combine(model, "model.safetensors")).Length;
        const long adapterValueBytes = 4L * 4 * ((32 + 64) + (32 + 32) + (32 + 32) + (64 + 32) + 3 * (32 + 48));
        Assert.All(received, r => Assert.True(r.Bytes >= adapterValueBytes && r.Bytes < adapterValueBytes + 2048 && r.Bytes < baseBytes / 5,
            $"version {r.Version}: {r.Bytes} bytes; the adapters hold {adapterValueBytes}, the base file {baseBytes}"));
        Assert.Single(received.Select(r => r.Bytes).Distinct());
    }
}
