using System.Text.Json;
using ActorRL.Engine.Cluster;
using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests.Cluster;

/// <summary>
/// A TLS cluster of real processes on 127.0.0.1 (actorrl.cluster.tls): a generator node with a certificate of the
/// cluster's CA trains with the learner; one whose certificate another CA signed is refused at the handshake, never
/// joins, and exits with an error saying why.
/// </summary>
public sealed class TlsClusterProcessTests : IDisposable
{
    private const int Steps = 12;
    private const int GroupsPerStep = 4;

    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-tls-cluster-").FullName;
    private readonly TestCertificates _certificates = new();
    private readonly List<NodeProcess> _processes = new();

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
        _certificates.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string WritePipeline(int learnerPort) =>
        ClusterRun.WritePipeline(_dir, learnerPort, Steps, GroupsPerStep, "cluster.weight-transport = tcp");

    /// <summary>The --set options that give a node its TLS identity.</summary>
    private static string[] Tls(ClusterTlsSettings tls) =>
    [
        "--set", "actorrl.cluster.tls.enabled=true",
        "--set", $"actorrl.cluster.tls.certificate=\"{tls.CertificatePath}\"",
        "--set", $"actorrl.cluster.tls.password=\"{tls.Password}\"",
        "--set", $"actorrl.cluster.tls.ca=\"{tls.AuthorityPath}\"",
    ];

    private NodeProcess Start(string name, params string[] args)
    {
        var process = new NodeProcess(name, args);
        _processes.Add(process);
        return process;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_node_with_the_clusters_certificate_trains_and_one_with_another_CAs_certificate_is_refused()
    {
        var learnerPort = NodeProcess.FreePort();
        var pipeline = WritePipeline(learnerPort);
        var seed = $"akka.ssl.tcp://actorrl@127.0.0.1:{learnerPort}";
        var learner = Start("learner", ["train", pipeline, .. Tls(_certificates.Node("learner"))]);
        // The nodes start once the learner listens, so the rogue's first attempt meets it (a refused connection
        // would put the next attempt ten seconds later, possibly after the short run has ended).
        await Poll.Until(() => learner.Output.Contains("Learner node at") || learner.HasExited, TimeSpan.FromSeconds(120),
            () => $"the learner did not start listening:\n{learner.Tail()}");
        Assert.True(learner.Output.Contains("Learner node at"), $"the learner did not start listening:\n{learner.Tail()}");
        var roguePort = NodeProcess.FreePort();
        var rogue = Start("rogue", ["node", "--role", "generator", "--seed-nodes", seed, "--config", pipeline, "--port", roguePort.ToString(),
            .. Tls(_certificates.Rogue("rogue"))]);
        var generatorPort = NodeProcess.FreePort();
        var generator = Start("generator", ["node", "--role", "generator", "--seed-nodes", seed, "--config", pipeline, "--port", generatorPort.ToString(),
            .. Tls(_certificates.Node("generator"))]);

        var code = await learner.WaitAsync(TimeSpan.FromSeconds(300));
        Assert.True(code == 0, $"learner exit code {code}:\n{learner.Tail()}");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "run", "summary.json")));
        var byNode = summary.RootElement.GetProperty("groups_by_node").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(new Dictionary<string, long> { [$"akka.ssl.tcp://actorrl@127.0.0.1:{generatorPort}"] = Steps * GroupsPerStep }, byNode);
        Assert.Contains("Weights are served over TLS", learner.Output);
        Assert.Equal(0, await generator.WaitAsync(TimeSpan.FromSeconds(60)));

        // The rogue never got past the handshake: the learner said why, and the rogue ended with an error.
        var rogueCode = await rogue.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(rogueCode != 0, $"the rogue node exited {rogueCode}:\n{rogue.Tail()}");
        Assert.Contains("TLS handshake failure", rogue.Output);
        Assert.Contains("TLS: refused the connection", learner.Output);
        Assert.Contains("CN=rogue", learner.Output);
    }
}
