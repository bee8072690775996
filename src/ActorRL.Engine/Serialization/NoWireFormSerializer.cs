using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorRL.Engine.Serialization;

/// <summary>
/// Takes the place of Akka's default JSON serializer (id 1, bound to <c>System.Object</c>) on every cluster node
/// (hocon/cluster.conf), so that the only messages that cross nodes are the ones bound to
/// <see cref="PipelineMessageSerializer"/> and Akka's own system and cluster messages.
///
/// Why: the JSON serializer turns any type name a peer writes into an object of that type. A remote node could
/// then deliver the learner's internal messages (a ledger record, a purge, a training batch) to any of its
/// actors, or feed Newtonsoft's type handling a payload of its choosing. With this serializer in its place an
/// internal message has no wire form at all: sending one fails here, on the sender, and bytes that claim to be
/// one are refused before anything is built from them (Akka logs and drops the message).
/// </summary>
public sealed class NoWireFormSerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <summary>The constructor Akka calls for a serializer named <c>json</c> (it passes serialization-settings.json).</summary>
    public NoWireFormSerializer(ExtendedActorSystem system, Akka.Configuration.Config _) : this(system)
    {
    }

    /// <summary>The identifier of Akka's JSON serializer, which this one replaces.</summary>
    public const int JsonId = 1;

    public override int Identifier => JsonId;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException(
            $"{obj.GetType().FullName} has no wire form: only the messages bound to actorrl-wire in hocon/cluster.conf cross nodes");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException(
            $"refused a {bytes.Length}-byte message from a remote node claiming to be {type?.FullName ?? "an unnamed type"}: " +
            "only the messages bound to actorrl-wire in hocon/cluster.conf cross nodes");
}
