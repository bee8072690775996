namespace ActorRL.Engine.Pipeline;

/// <summary>
/// A message that only the node's own actors may send: the ledger's events and commands, the learner's batches,
/// the coordinator's start and stats. It derives from Akka's <see cref="Akka.Actor.IPossiblyHarmful"/>, which a
/// node in <c>akka.remote.untrusted-mode</c> (every cluster node, hocon/cluster.conf) drops when it arrives from
/// a remote node, after deserialization and before any actor sees it. That is the second wall: none of these
/// has a wire form in the first place (<see cref="Serialization.NoWireFormSerializer"/>), except the ledger's
/// events, which the journal serializes.
/// </summary>
public interface ILocalOnly : Akka.Actor.IPossiblyHarmful;
