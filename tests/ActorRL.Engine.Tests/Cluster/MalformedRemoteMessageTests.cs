using Akka.Actor;
using Akka.Configuration;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Serialization;

namespace ActorRL.Engine.Tests.Cluster;

/// <summary>Stands in for the wire serializer on a sending node and corrupts one chosen message.</summary>
public sealed class CorruptingSerializer(ExtendedActorSystem system) : Akka.Serialization.SerializerWithStringManifest(system)
{
    private readonly PipelineMessageSerializer _inner = new(system);
    public override int Identifier => PipelineMessageSerializer.Id;
    public override string Manifest(object o) => _inner.Manifest(o);
    public override object FromBinary(byte[] bytes, string manifest) => _inner.FromBinary(bytes, manifest);

    public override byte[] ToBinary(object obj)
    {
        var bytes = _inner.ToBinary(obj);
        if (obj is RequestWork { MaxPrompts: 666 }) bytes[bytes.Length / 2] ^= 0x10;
        if (obj is RequestWork { MaxPrompts: 667 }) bytes = bytes[..^3];
        return bytes;
    }
}

public sealed class MalformedRemoteMessageTests
{
    [Fact]
    public async Task A_corrupt_or_truncated_message_is_dropped_and_the_association_keeps_working()
    {
        var corrupting = ConfigurationFactory.ParseString(
            $"akka.actor.serializers.actorrl-wire = \"{typeof(CorruptingSerializer).AssemblyQualifiedName}\"");
        await using var nodes = new TwoNodes(corrupting);
        var (collector, messages, signal) = Collector.Start(nodes.B, "inbox");
        var remoteInbox = TwoNodes.RefTo(nodes.A, nodes.AddressOfB, "inbox");

        remoteInbox.Tell(new RequestWork(666));
        remoteInbox.Tell(new RequestWork(667));
        remoteInbox.Tell(new RequestWork(1));
        Assert.Equal(new RequestWork(1), await Collector.Next<RequestWork>(messages, signal));
        remoteInbox.Tell(new RequestWork(2));
        await Collector.Next<RequestWork>(messages, signal, m => m.MaxPrompts == 2);
        Assert.Equal(new object[] { new RequestWork(1), new RequestWork(2) }, messages.ToArray());
        Assert.False(nodes.B.WhenTerminated.IsCompleted);
        GC.KeepAlive(collector);
    }
}
