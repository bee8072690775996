using System.Net.Sockets;
using System.Security.Authentication;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Pipeline;
using ActorRL.Tests.Shared;

namespace ActorRL.Engine.Tests.Cluster;

/// <summary>
/// actorrl.cluster.tls over real connections on 127.0.0.1: Akka.Remote with mutual authentication against the
/// cluster's CA, and the weight side channel with the same identities.
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    private static Address AddressOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    private static ActorSystem Node(string role, ClusterTlsSettings? tls) =>
        ClusterTls.CreateSystem("actorrl", ClusterTestConfig.Node(role), tls);

    /// <summary>Warnings and errors the node logs (its TLS refusals among them).</summary>
    private static (System.Collections.Concurrent.ConcurrentQueue<object> Seen, SemaphoreSlim Signal) Logs(ActorSystem system)
    {
        var (listener, seen, signal) = Collector.Start(system);
        system.EventStream.Subscribe(listener, typeof(Warning));
        system.EventStream.Subscribe(listener, typeof(Error));
        return (seen, signal);
    }

    private static bool Says(object logEvent, string text) => logEvent is LogEvent e && e.Message.ToString()!.Contains(text);

    [Fact]
    public async Task Nodes_whose_certificates_the_cluster_CA_signed_form_a_cluster_and_talk()
    {
        using var learner = Node("learner", _certificates.Node("learner"));
        using var generator = Node("generator", _certificates.Node("generator"));
        Assert.True(((ExtendedActorSystem)learner).Settings.Config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        var (_, inbox, signal) = Collector.Start(learner, "inbox");
        var (members, events, changed) = Collector.Start(learner);
        Akka.Cluster.Cluster.Get(learner).Subscribe(members, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(Akka.Cluster.ClusterEvent.MemberUp));
        Akka.Cluster.Cluster.Get(learner).Join(AddressOf(learner));
        Akka.Cluster.Cluster.Get(generator).Join(AddressOf(learner));

        // The learner sees the generator Up (it joined over TLS), and a message gets through.
        await Collector.Next<Akka.Cluster.ClusterEvent.MemberUp>(events, changed, up => up.Member.Address.Equals(AddressOf(generator)), seconds: 60);
        TwoNodes.RefTo(generator, AddressOf(learner), "inbox").Tell(new RequestWork(1));
        Assert.Equal(new RequestWork(1), await Collector.Next<RequestWork>(inbox, signal));
    }

    [Fact]
    public async Task A_node_whose_certificate_another_CA_signed_is_refused_and_never_joins()
    {
        using var learner = Node("learner", _certificates.Node("learner"));
        var (logs, logged) = Logs(learner);
        var (_, inbox, signal) = Collector.Start(learner, "inbox");
        Akka.Cluster.Cluster.Get(learner).Join(AddressOf(learner));
        using var rogue = Node("generator", _certificates.Rogue("rogue"));
        Akka.Cluster.Cluster.Get(rogue).Join(AddressOf(learner));
        TwoNodes.RefTo(rogue, AddressOf(learner), "inbox").Tell(new RequestWork(666));

        var refusal = await Collector.Next<LogEvent>(logs, logged, e => Says(e, "TLS: refused the connection"));
        Assert.Contains("CN=rogue", refusal.Message.ToString());
        // A node with the right certificate still gets through; the rogue's message never did.
        using var generator = Node("generator", _certificates.Node("generator"));
        TwoNodes.RefTo(generator, AddressOf(learner), "inbox").Tell(new RequestWork(1));
        await Collector.Next<RequestWork>(inbox, signal, m => m.MaxPrompts == 1);
        Assert.DoesNotContain(new RequestWork(666), inbox);
        Assert.DoesNotContain(Akka.Cluster.Cluster.Get(learner).State.Members, m => m.Address.Equals(AddressOf(rogue)));
    }

    [Fact]
    public async Task A_node_without_TLS_cannot_reach_a_TLS_node()
    {
        using var learner = Node("learner", _certificates.Node("learner"));
        var (logs, logged) = Logs(learner);
        var (_, inbox, signal) = Collector.Start(learner, "inbox");
        using var plain = Node("generator", null);
        // A TLS node's address says akka.ssl.tcp; the plain node dials the same port as akka.tcp, in plain text.
        var port = AddressOf(learner);
        TwoNodes.RefTo(plain, new Address("akka.tcp", port.System, port.Host, port.Port), "inbox").Tell(new RequestWork(666));

        await Collector.Next<LogEvent>(logs, logged, e => Says(e, "TLS handshake failed"));
        using var generator = Node("generator", _certificates.Node("generator"));
        TwoNodes.RefTo(generator, AddressOf(learner), "inbox").Tell(new RequestWork(1));
        await Collector.Next<RequestWork>(inbox, signal, m => m.MaxPrompts == 1);
        Assert.DoesNotContain(new RequestWork(666), inbox);
    }

    [Fact]
    public async Task The_side_channel_serves_a_cluster_node_over_TLS_and_refuses_everyone_else()
    {
        var limits = new BulkLimits(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), 4);
        using var server = new WeightBulkServer("127.0.0.1", ClusterTls.Load(_certificates.Node("learner")), limits);
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();
        var (id, token) = server.Offer(bytes);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var fetched = await WeightBulkServer.FetchAsync("127.0.0.1", server.Port, id, token, bytes.Length, ClusterTls.Load(_certificates.Node("generator")), timeout.Token);
        Assert.Equal(bytes, fetched);
        await Assert.ThrowsAnyAsync<Exception>(() =>
            WeightBulkServer.FetchAsync("127.0.0.1", server.Port, id, token, bytes.Length, ClusterTls.Load(_certificates.Rogue("rogue")), timeout.Token));
        await Assert.ThrowsAnyAsync<IOException>(() =>
            WeightBulkServer.FetchAsync("127.0.0.1", server.Port, id, token, bytes.Length, null, timeout.Token));
        var wrong = await Assert.ThrowsAsync<IOException>(() =>
            WeightBulkServer.FetchAsync("127.0.0.1", server.Port, id, new string('0', 64), bytes.Length, ClusterTls.Load(_certificates.Node("generator")), timeout.Token));
        Assert.Contains("no longer offered", wrong.Message);
        Assert.True(server.Refused >= 3, $"refused {server.Refused}");
    }

    [Fact]
    public async Task The_side_channel_closes_a_silent_connection_after_the_request_time_out_and_any_over_the_cap_at_once()
    {
        using var server = new WeightBulkServer("127.0.0.1", null, new BulkLimits(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), 64));
        using var silent = new TcpClient();
        await silent.ConnectAsync("127.0.0.1", server.Port);
        // The server closes it: the read ends (0 bytes) instead of waiting for a reply that never comes.
        var read = await silent.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, read);

        using var capped = new WeightBulkServer("127.0.0.1", null, new BulkLimits(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), 2));
        using var first = new TcpClient();
        using var second = new TcpClient();
        using var third = new TcpClient();
        await first.ConnectAsync("127.0.0.1", capped.Port);
        await second.ConnectAsync("127.0.0.1", capped.Port);
        // The server accepts in arrival order: the first two take both slots, the third is closed at accept, long
        // before the five-minute request time-out.
        await third.ConnectAsync("127.0.0.1", capped.Port);
        Assert.Equal(0, await third.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, capped.Refused);
    }

    [Fact]
    public void Files_that_cannot_work_are_refused_at_load_naming_the_key()
    {
        var good = _certificates.Node("node");
        Assert.Equal("certificate", Assert.Throws<ClusterTlsException>(() => ClusterTls.Load(good with { Password = "wrong" })).Key);
        Assert.Equal("ca", Assert.Throws<ClusterTlsException>(() => ClusterTls.Load(good with { AuthorityPath = good.CertificatePath })).Key);
        // A certificate of another CA beside the cluster's CA: its peers would refuse it, so the node does not start.
        var rogue = Assert.Throws<ClusterTlsException>(() => ClusterTls.Load(_certificates.Rogue("rogue") with { AuthorityPath = _certificates.CaPath }));
        Assert.Equal("certificate", rogue.Key);
        Assert.Contains("would be refused by its peers", rogue.Message);
        Assert.True(ClusterTls.Load(good).Certificate.HasPrivateKey);
    }
}
