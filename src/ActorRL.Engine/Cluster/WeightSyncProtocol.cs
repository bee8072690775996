namespace ActorRL.Engine.Cluster;

// Messages of the chunked weight sync between the learner node (WeightSyncSender) and every generator node
// (WeightSyncReceiver). Weights never travel in one message: the remoting frame limit (128000 bytes by default)
// silently drops anything bigger, so a snapshot is encoded once (SnapshotCodec) and cut into chunks.

/// <summary>
/// One piece of an encoded snapshot. <paramref name="BaseVersion"/> is −1 for a full snapshot, else the version a
/// delta applies to. <paramref name="Checksum"/> is the CRC-32 of <paramref name="Data"/>;
/// <paramref name="SnapshotHash"/> the XxHash3 of the whole encoded snapshot (checked after reassembly).
/// </summary>
public sealed record WeightChunk(
    long Version,
    long BaseVersion,
    int Index,
    int Count,
    long TotalBytes,
    ulong SnapshotHash,
    uint Checksum,
    ReadOnlyMemory<byte> Data)
{
    public const long Full = -1;
}

/// <summary>Receiver → sender: send me every new version; I hold <paramref name="HaveVersion"/> (−1: none).</summary>
public sealed record SubscribeWeightSync(long HaveVersion);

/// <summary>
/// Receiver → sender (pull recovery): my transfer of <paramref name="FailedVersion"/> is incomplete or corrupt;
/// send the current version in full.
/// </summary>
public sealed record WeightSyncRequest(long HaveVersion, long FailedVersion, string Reason);

/// <summary>Receiver → sender: <paramref name="Version"/> arrived complete and verified (metrics, flow control).</summary>
public sealed record WeightSyncAck(long Version, bool Delta, long Bytes, int Chunks, double Seconds);

/// <summary>
/// Sender → receiver (weight-transport = tcp): version <paramref name="Version"/> is ready to download from the
/// learner node's <see cref="WeightBulkServer"/> at <paramref name="Host"/>:<paramref name="Port"/>, with the transfer's
/// 256-bit random <paramref name="Token"/> in hex (a download needs it; it travels only in this message).
/// </summary>
public sealed record WeightsOffer(long Version, long BaseVersion, long TotalBytes, ulong SnapshotHash, string Host, int Port, long TransferId, string Token);
