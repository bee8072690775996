using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Persistence;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Tests.Cluster;

/// <summary>
/// What a hostile node can deliver to a cluster node over a real Akka.Remote connection: the victim runs the shipped
/// hocon/cluster.conf; the attacker runs whatever it likes (here: Akka's JSON serializer put back, untrusted mode off).
/// </summary>
public sealed class RemoteTrustTests
{
    private static readonly string LedgerSerializer =
        $$"""
          akka.actor {
            serializers.actorrl-ledger = "{{typeof(LedgerSerializer).AssemblyQualifiedName}}"
            serialization-bindings { "{{typeof(ILedgerMessage).AssemblyQualifiedName}}" = actorrl-ledger }
            serialization-identifiers { "{{typeof(LedgerSerializer).AssemblyQualifiedName}}" = {{Engine.Persistence.LedgerSerializer.Id}} }
          }
          """;

    /// <summary>A node that serializes anything (Akka's JSON serializer for every type) and trusts everyone.</summary>
    private static Config Attacker() =>
        ConfigurationFactory.ParseString(
                """
                akka.actor.serializers.json = "Akka.Serialization.NewtonSoftJsonSerializer, Akka"
                akka.remote.untrusted-mode = off
                """)
            .WithFallback(ConfigurationFactory.ParseString(LedgerSerializer))
            .WithFallback(ClusterTestConfig.Node("generator"));

    /// <summary>A learner-like victim: the shipped cluster configuration plus the ledger's serializer (as a run adds it).</summary>
    private static Config Victim() => ConfigurationFactory.ParseString(LedgerSerializer).WithFallback(ClusterTestConfig.Node("learner"));

    private static Address AddressOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    [Fact]
    public async Task Internal_messages_stop_signals_and_untrusted_selections_from_a_remote_node_never_reach_an_actor()
    {
        using var victim = ActorSystem.Create("actorrl", Victim());
        using var attacker = ActorSystem.Create("actorrl", Attacker());
        var (_, inbox, inboxSignal) = Collector.Start(victim, "inbox");
        var (secretRef, secret, secretSignal) = Collector.Start(victim, "secret");
        var remoteInbox = TwoNodes.RefTo(attacker, AddressOf(victim), "inbox");

        remoteInbox.Tell(new RecordEvent(new RunCompleted(1, 5, 5, 0.9)));   // no wire form: JSON is refused
        remoteInbox.Tell(PurgeLedger.Instance);                              // no wire form
        remoteInbox.Tell(new Progress("intruder", "forged"));                 // no wire form, not even marked local-only
        remoteInbox.Tell(new RunCompleted(2, 6, 6, 0.9));                   // a wire form (the journal's), but local only
        remoteInbox.Tell(PoisonPill.Instance);                               // a stop signal
        attacker.ActorSelection(new RootActorPath(AddressOf(victim)) / "user" / "secret").Tell(new RequestWork(3)); // not a trusted path
        remoteInbox.Tell(new RequestWork(1));                                // an ordinary pipeline message

        // Messages of one sender to one node arrive in order: once RequestWork(1) is in, everything before it was handled.
        Assert.Equal(new RequestWork(1), await Collector.Next<RequestWork>(inbox, inboxSignal));
        Assert.Equal(new object[] { new RequestWork(1) }, inbox.ToArray());
        secretRef.Tell("marker");
        await Collector.Next<string>(secret, secretSignal);
        Assert.Equal(new object[] { "marker" }, secret.ToArray());
    }

    [Fact]
    public async Task Weights_are_taken_only_from_the_learner_never_from_another_node()
    {
        var settings = new ClusterSettings(true, 100_000, TimeSpan.FromSeconds(10), false, 1, TimeSpan.FromSeconds(30));
        using var learner = ActorSystem.Create("actorrl", ClusterTestConfig.Node("learner"));
        using var generator = ActorSystem.Create("actorrl", ClusterTestConfig.Node("generator"));
        using var intruder = ActorSystem.Create("actorrl", ClusterTestConfig.Node("generator"));
        var learnerHub = learner.ActorOf(Props.Create(() => new WeightsHub()), "weights");
        learner.ActorOf(Props.Create(() => new WeightSyncSender(learnerHub, settings, null)), "weight-sync");
        var (hub, published, publishedSignal) = Collector.Start(generator, "weights");
        var (warnings, warned, warnedSignal) = Collector.Start(generator);
        generator.EventStream.Subscribe(warnings, typeof(Warning));
        var source = TwoNodes.RefTo(generator, AddressOf(learner), "weight-sync");
        generator.ActorOf(Props.Create(() => new WeightSyncReceiver(source, hub, settings)), "weight-sync");

        // The intruder sends a complete, correctly checksummed version 99 and offers version 100 from a server of its own.
        var forged = new PolicySnapshot(99, new[] { new NamedArray("w", new long[] { 2 }, new[] { 6.66f, 6.66f }) });
        var receiver = TwoNodes.RefTo(intruder, AddressOf(generator), "weight-sync");
        var encoded = SnapshotCodec.Encode(forged);
        foreach (var chunk in WeightChunker.Split(encoded, 99, WeightChunk.Full, 100_000)) receiver.Tell(chunk);
        using var server = new WeightBulkServer("127.0.0.1", null, BulkLimits.For(settings));
        var (id, token) = server.Offer(SnapshotCodec.Encode(new PolicySnapshot(100, forged.Tensors)));
        receiver.Tell(new WeightsOffer(100, WeightChunk.Full, encoded.Length, 0, "127.0.0.1", server.Port, id, token));

        await Collector.Next<Warning>(warned, warnedSignal, w => w.Message.ToString()!.Contains("refused a WeightsOffer"));
        Assert.Contains(warned.OfType<Warning>(), w => w.Message.ToString()!.Contains("refused a WeightChunk"));
        // The learner's own version still arrives, and it is the only one.
        var real = new PolicySnapshot(1, new[] { new NamedArray("w", new long[] { 2 }, new[] { 1f, 2f }) });
        learnerHub.Tell(new WeightsPublished(1, real));
        var arrived = await Collector.Next<WeightsPublished>(published, publishedSignal);
        Assert.Equal(1, arrived.Version);
        Assert.Equal(new[] { 1f, 2f }, arrived.Weights!.Tensors[0].Data);
        Assert.Single(published.OfType<WeightsPublished>());
    }

    [Fact]
    public async Task A_transfer_or_offer_claiming_more_than_max_snapshot_bytes_is_refused_over_the_wire()
    {
        var settings = new ClusterSettings(true, 100_000, TimeSpan.FromSeconds(10), false, 1, TimeSpan.FromSeconds(30), MaxSnapshotBytes: 1 << 20);
        using var learner = ActorSystem.Create("actorrl", ClusterTestConfig.Node("learner"));
        using var generator = ActorSystem.Create("actorrl", ClusterTestConfig.Node("generator"));
        // Stands at the learner's weight-sync path (the one the receiver subscribes to): what it sends is taken as the learner's.
        var (fakeLearner, seen, signal) = Collector.Start(learner, "weight-sync");
        var (hub, published, _) = Collector.Start(generator, "weights");
        var source = TwoNodes.RefTo(generator, AddressOf(learner), "weight-sync");
        generator.ActorOf(Props.Create(() => new WeightSyncReceiver(source, hub, settings)), "weight-sync");
        await Collector.Next<SubscribeWeightSync>(seen, signal);
        var receiver = TwoNodes.RefTo(learner, AddressOf(generator), "weight-sync");

        var data = new byte[1000];
        receiver.Tell(new WeightChunk(1, WeightChunk.Full, 0, 3000, 3_000_000, 0, System.IO.Hashing.Crc32.HashToUInt32(data), data), fakeLearner);
        var refusedChunk = await Collector.Next<WeightSyncRequest>(seen, signal, r => r.FailedVersion == 1);
        Assert.Contains("over max-snapshot-bytes", refusedChunk.Reason);
        receiver.Tell(new WeightsOffer(2, WeightChunk.Full, 3_000_000, 0, "127.0.0.1", 1, 1, new string('a', 64)), fakeLearner);
        var refusedOffer = await Collector.Next<WeightSyncRequest>(seen, signal, r => r.FailedVersion == 2);
        Assert.Contains("max-snapshot-bytes", refusedOffer.Reason);
        Assert.Empty(published);
    }

    [Fact]
    public void A_chunk_header_claiming_two_gigabytes_allocates_only_the_bytes_it_carries()
    {
        // 100 bytes of 2 GB in 20,000,000 chunks of 100 bytes: a well-formed first chunk of an absurd transfer.
        const long total = 2_000_000_000;
        var data = new byte[WeightChunker.ChunkSize(total, 20_000_000)];
        Assert.Equal(100, data.Length);
        var first = new WeightChunk(1, WeightChunk.Full, 0, 20_000_000, total, 0, System.IO.Hashing.Crc32.HashToUInt32(data), data);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var assembly = WeightAssembly.Start(first, ClusterSettings.MaxSnapshotLimit, out var problem);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Null(problem);
        Assert.False(assembly.IsComplete);
        Assert.True(allocated < 1 << 20, $"a 100-byte chunk allocated {allocated} bytes");
    }
}
