using Akka.Configuration;
using ActorRL.Core.Configuration;

namespace ActorRL.Engine.Cluster;

/// <summary><c>actorrl.cluster</c>: multi-node training (on when hocon/cluster.conf is included).</summary>
/// <param name="WeightChunkBytes">Encoded weight bytes per chunk message.</param>
/// <param name="WeightSyncTimeout">An incomplete transfer older than this is abandoned and the current version pulled.</param>
/// <param name="WeightDelta">Send only the tensors changed since the receiver's version.</param>
/// <param name="NodeGenerators">Generator actors on each generator node.</param>
/// <param name="JoinTimeout">How long a generator node waits for a learner to appear.</param>
/// <param name="WeightTransport"><c>remoting</c> (chunks over Akka.Remote) or <c>tcp</c> (offers over Akka.Remote,
/// bytes over the learner node's <see cref="WeightBulkServer"/>).</param>
/// <param name="MaxSnapshotBytes">The largest encoded snapshot a receiver accepts (and a sender sends): a transfer that
/// claims more is refused before anything is allocated.</param>
/// <param name="SideChannelMaxConnections">Connections the weight side channel serves at once (weight-transport = tcp).</param>
/// <param name="LearnerLostAfter">A generator node whose learner stays unreachable this long ends its run (generator
/// nodes down no one, so this is how a node cut off from the learner stops).</param>
/// <param name="Tls">Mutually authenticated TLS between nodes, or null (loopback and trusted networks only).</param>
public sealed record ClusterSettings(bool Enabled, int WeightChunkBytes, TimeSpan WeightSyncTimeout, bool WeightDelta, int NodeGenerators, TimeSpan JoinTimeout,
    WeightTransport WeightTransport = WeightTransport.Remoting, long MaxSnapshotBytes = ClusterSettings.MaxSnapshotLimit, int SideChannelMaxConnections = 64, TimeSpan? LearnerLostAfter = null, ClusterTlsSettings? Tls = null)
{
    /// <summary>One transfer is one array: no snapshot can be larger (models beyond ~2 GB need sharded transfers).</summary>
    public const long MaxSnapshotLimit = 0x7FFFFFC7; // Array.MaxLength

    /// <summary><see cref="LearnerLostAfter"/>, 15 s when not configured (tests that build settings in code).</summary>
    public TimeSpan LearnerLost => LearnerLostAfter ?? TimeSpan.FromSeconds(15);

    public const string FrameSizeKey = "akka.remote.dot-netty.tcp.maximum-frame-size";

    /// <summary>Room left in a frame for the envelope around a chunk (recipient and sender paths, manifest, header).</summary>
    public const int FrameHeadroom = 4096;

    public static ClusterSettings FromConfig(SettingsReader r)
    {
        var settings = new ClusterSettings(
            r.GetBool("enabled"),
            r.GetInt("weight-chunk-bytes", 1024, 64 << 20),
            r.GetDuration("weight-sync-timeout"),
            r.GetBool("weight-delta"),
            r.GetInt("node-generators", 1, 1024),
            r.GetDuration("join-timeout"),
            r.GetEnum<WeightTransport>("weight-transport"),
            r.GetByteSize("max-snapshot-bytes", 1 << 20, MaxSnapshotLimit),
            r.GetInt("side-channel-max-connections", 1, 4096),
            r.GetDuration("learner-lost-after"),
            ClusterTlsSettings.FromConfig(r.Section("tls")));
        return settings;
    }

    /// <summary>
    /// Cluster mode needs the cluster provider (hocon/cluster.conf), and the chunk size must fit the remoting frame (an oversized message is dropped with only a log line, so a
    /// misfit would stall every transfer): checked against the actor system's effective configuration.
    /// </summary>
    public void CheckFitsFrame(Config akka)
    {
        var provider = akka.GetString("akka.actor.provider", "local");
        if (provider != "cluster" && !provider.Contains("ClusterActorRefProvider", StringComparison.Ordinal))
            throw new SettingsException("akka.actor.provider", null, null,
                $"is \"{provider}\" but actorrl.cluster.enabled = true needs the cluster provider: include \"cluster.conf\" in the pipeline file");
        var frame = akka.GetByteSize(FrameSizeKey, 128000) ?? 128000;
        if (WeightChunkBytes + FrameHeadroom > frame)
            throw new SettingsException("actorrl.cluster.weight-chunk-bytes", null, null,
                $"{WeightChunkBytes} bytes per chunk does not fit {FrameSizeKey} = {frame} (needs {FrameHeadroom} bytes of headroom); " +
                $"lower the chunk size to at most {frame - FrameHeadroom} or raise the frame size");
    }
}

/// <summary><c>actorrl.cluster.weight-transport</c>: how weight bytes reach generator nodes.</summary>
public enum WeightTransport
{
    /// <summary>Chunks over Akka.Remote.</summary>
    Remoting,

    /// <summary>Offers over Akka.Remote, bytes over the learner node's <see cref="WeightBulkServer"/> (unencrypted).</summary>
    Tcp,
}
