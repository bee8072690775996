using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Pipeline;
using ActorRL.Tasks;

namespace ActorRL.Engine.Serialization;

/// <summary>
/// The binary wire format of every message that crosses nodes: work requests and prompts, rollout groups, and
/// the weight-sync messages (chunks of up to ~100 KB each). Bound in hocon/cluster.conf.
///
/// Why hand-written rather than MessagePack: the messages are a handful of records whose fields are mostly
/// primitive arrays (token ids, log-probs, versions, weight bytes); writing them as raw little-endian memory
/// is as compact as it gets and costs one copy, needs no attributes or formatters on the Core records (which
/// must not depend on a serialization library), and keeps every count under our own bounds checks.
/// Akka's default JSON serializer would base64 the weight bytes (+33%) and re-parse floats as text.
///
/// Every frame ends with a CRC-32 of its body. A truncated, bit-flipped or otherwise malformed payload is
/// rejected with a <see cref="SerializationException"/> that names the message kind and what is wrong: Akka's
/// endpoint reader logs that exception and drops the message (any other exception type would restart the
/// association), so a bad message never crashes a node.
/// </summary>
public sealed class PipelineMessageSerializer : SerializerWithStringManifest
{
    public const int Id = 8100;

    // Manifests are short and stable: they travel with every message. Never reuse one for another type.
    private const string RequestWorkManifest = "rw";
    private const string WorkAssignedManifest = "wa";
    private const string GroupGeneratedManifest = "gg";
    private const string VerifyGroupManifest = "vg";
    private const string GroupScoredManifest = "gs";
    private const string GeneratorResetManifest = "gr";
    private const string WeightChunkManifest = "wc";
    private const string SubscribeWeightSyncManifest = "ws";
    private const string WeightSyncRequestManifest = "wq";
    private const string WeightSyncAckManifest = "wk";
    private const string WeightsOfferManifest = "wo";

    // 2: WeightsOffer.Token is a 256-bit token in hex (was a 64-bit number).
    public const byte FormatVersion = 2;

    /// <summary>Bytes of a chunk frame besides its data: format byte, header fields, data length, CRC-32.</summary>
    private const int ChunkOverhead = 1 + 8 + 8 + 4 + 4 + 8 + 8 + 4 + 4 + 4;

    public PipelineMessageSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        RequestWork => RequestWorkManifest,
        WorkAssigned => WorkAssignedManifest,
        GroupGenerated => GroupGeneratedManifest,
        VerifyGroup => VerifyGroupManifest,
        GroupScored => GroupScoredManifest,
        GeneratorReset => GeneratorResetManifest,
        WeightChunk => WeightChunkManifest,
        SubscribeWeightSync => SubscribeWeightSyncManifest,
        WeightSyncRequest => WeightSyncRequestManifest,
        WeightSyncAck => WeightSyncAckManifest,
        WeightsOffer => WeightsOfferManifest,
        _ => throw new ArgumentException($"{nameof(PipelineMessageSerializer)} cannot serialize {o.GetType().FullName}"),
    };

    // One weight chunk goes to every generator node: Akka serializes each send, so the frame is kept with the
    // chunk (for as long as the chunk lives) and encoded once instead of once per receiver. Frames are never
    // mutated after they are built, so sharing them between endpoint writers is safe.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<WeightChunk, byte[]> _chunkFrames = new();

    public override byte[] ToBinary(object obj) =>
        obj is WeightChunk chunk ? _chunkFrames.GetValue(chunk, c => Encode(c)) : Encode(obj);

    private static byte[] Encode(object obj)
    {
        var w = new WireWriter(obj is WeightChunk c ? c.Data.Length + ChunkOverhead : 256);
        w.WriteByte(FormatVersion);
        switch (obj)
        {
            case RequestWork m:
                w.WriteInt32(m.MaxPrompts);
                break;
            case WorkAssigned m:
                w.WriteInt64(m.Version);
                w.WriteInt32(m.Items.Count);
                foreach (var item in m.Items) WriteWorkItem(w, item);
                break;
            case GroupGenerated m:
                WriteGroup(w, m.Group);
                w.WriteInt64(m.TokensGenerated);
                w.WriteInt64(m.Busy.Ticks);
                break;
            case VerifyGroup m:
                WriteGroup(w, m.Group);
                break;
            case GroupScored m:
                WriteGroup(w, m.Group);
                w.WriteInt32(m.VerifierFailures.Count);
                foreach (var (kind, count) in m.VerifierFailures)
                {
                    w.WriteString(kind);
                    w.WriteInt32(count);
                }
                w.WriteInt64(m.Busy.Ticks);
                break;
            case GeneratorReset m:
                w.WriteString(Akka.Serialization.Serialization.SerializedActorPath(m.Generator));
                w.WriteString(m.Reason);
                break;
            case WeightChunk m:
                w.WriteInt64(m.Version);
                w.WriteInt64(m.BaseVersion);
                w.WriteInt32(m.Index);
                w.WriteInt32(m.Count);
                w.WriteInt64(m.TotalBytes);
                w.WriteUInt64(m.SnapshotHash);
                w.WriteUInt32(m.Checksum);
                w.WriteBytes(m.Data.Span);
                break;
            case SubscribeWeightSync m:
                w.WriteInt64(m.HaveVersion);
                break;
            case WeightSyncRequest m:
                w.WriteInt64(m.HaveVersion);
                w.WriteInt64(m.FailedVersion);
                w.WriteString(m.Reason);
                break;
            case WeightSyncAck m:
                w.WriteInt64(m.Version);
                w.WriteBool(m.Delta);
                w.WriteInt64(m.Bytes);
                w.WriteInt32(m.Chunks);
                w.WriteDouble(m.Seconds);
                break;
            case WeightsOffer m:
                w.WriteInt64(m.Version);
                w.WriteInt64(m.BaseVersion);
                w.WriteInt64(m.TotalBytes);
                w.WriteUInt64(m.SnapshotHash);
                w.WriteString(m.Host);
                w.WriteInt32(m.Port);
                w.WriteInt64(m.TransferId);
                w.WriteString(m.Token);
                break;
            default:
                throw new ArgumentException($"{nameof(PipelineMessageSerializer)} cannot serialize {obj.GetType().FullName}");
        }
        return w.ToFrame();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            var r = WireReader.OpenFrame(bytes);
            var version = r.ReadByte();
            if (version != FormatVersion)
                throw new WireFormatException($"format version {version}; this node reads version {FormatVersion} (are all nodes on the same ActorRL build?)");
            object message = manifest switch
            {
                RequestWorkManifest => new RequestWork(r.ReadInt32()),
                WorkAssignedManifest => ReadWorkAssigned(ref r),
                GroupGeneratedManifest => new GroupGenerated(ReadGroup(ref r), r.ReadInt64(), ReadTimeSpan(ref r)),
                VerifyGroupManifest => new VerifyGroup(ReadGroup(ref r)),
                GroupScoredManifest => ReadGroupScored(ref r),
                GeneratorResetManifest => new GeneratorReset(system.Provider.ResolveActorRef(r.ReadString()), r.ReadString()),
                WeightChunkManifest => new WeightChunk(r.ReadInt64(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(),
                    r.ReadUInt64(), r.ReadUInt32(), r.ReadBytes().ToArray()),
                SubscribeWeightSyncManifest => new SubscribeWeightSync(r.ReadInt64()),
                WeightSyncRequestManifest => new WeightSyncRequest(r.ReadInt64(), r.ReadInt64(), r.ReadString()),
                WeightSyncAckManifest => new WeightSyncAck(r.ReadInt64(), r.ReadBool(), r.ReadInt64(), r.ReadInt32(), r.ReadDouble()),
                WeightsOfferManifest => new WeightsOffer(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadUInt64(), r.ReadString(), r.ReadInt32(),
                    r.ReadInt64(), r.ReadString()),
                _ => throw new WireFormatException($"unknown manifest \"{manifest}\""),
            };
            r.EnsureEnd();
            return message;
        }
        catch (Exception e) when (e is WireFormatException or ArgumentException or OverflowException or FormatException)
        {
            throw new SerializationException($"Rejected a malformed \"{manifest}\" message of {bytes.Length} bytes: {e.Message}", e);
        }
    }

    private static TimeSpan ReadTimeSpan(ref WireReader r) => TimeSpan.FromTicks(r.ReadInt64());

    private static void WriteWorkItem(WireWriter w, WorkItem item)
    {
        w.WriteString(item.GroupId);
        w.WriteString(item.Prompt.Id);
        w.WriteString(item.Prompt.Text);
        w.WriteString(item.Prompt.Gold);
        w.WriteInt32(item.Prompt.Position.Epoch);
        w.WriteInt64(item.Prompt.Position.Index);
    }

    private static WorkAssigned ReadWorkAssigned(ref WireReader r)
    {
        var version = r.ReadInt64();
        var count = r.ReadCount(28);
        var items = new WorkItem[count];
        for (var i = 0; i < count; i++)
        {
            var groupId = r.ReadString();
            items[i] = new WorkItem(groupId, new TaskPrompt(r.ReadString(), r.ReadString(), r.ReadString(), new PromptCursor(r.ReadInt32(), r.ReadInt64())));
        }
        return new WorkAssigned(items, version);
    }

    private static GroupScored ReadGroupScored(ref WireReader r)
    {
        var group = ReadGroup(ref r);
        var count = r.ReadCount(8);
        var failures = new Dictionary<string, int>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = r.ReadString();
            if (!failures.TryAdd(kind, r.ReadInt32())) throw new WireFormatException($"verifier failure kind \"{kind}\" appears twice");
        }
        return new GroupScored(group, failures, ReadTimeSpan(ref r));
    }

    private static void WriteGroup(WireWriter w, RolloutGroup g)
    {
        w.WriteString(g.GroupId);
        w.WriteString(g.PromptId);
        w.WriteString(g.PromptText);
        w.WriteInts(AsArray(g.PromptTokenIds));
        w.WriteString(g.Gold);
        w.WriteInt64(g.StartVersion);
        w.WriteString(g.Generator);
        w.WriteInt32(g.Rollouts.Count);
        foreach (var r in g.Rollouts)
        {
            w.WriteInts(AsArray(r.TokenIds));
            w.WriteInt32(r.TokenTexts.Count);
            foreach (var text in r.TokenTexts) w.WriteString(text);
            w.WriteFloats(AsArray(r.BehaviourLogProbs));
            w.WriteLongs(AsArray(r.TokenVersions));
            w.WriteString(r.Text);
            w.WriteBool(r.Truncated);
            w.WriteDouble(r.Reward);
            w.WriteBool(r.RewardParts is not null);
            if (r.RewardParts is not null)
            {
                w.WriteInt32(r.RewardParts.Count);
                foreach (var (name, value) in r.RewardParts)
                {
                    w.WriteString(name);
                    w.WriteDouble(value);
                }
            }
            w.WriteString(r.VerifierOutcome);
        }
    }

    private static RolloutGroup ReadGroup(ref WireReader r)
    {
        var groupId = r.ReadString();
        var promptId = r.ReadString();
        var promptText = r.ReadString();
        var promptTokens = r.ReadInts();
        var gold = r.ReadString();
        var startVersion = r.ReadInt64();
        var generator = r.ReadString();
        var count = r.ReadCount(40);
        var rollouts = new Rollout[count];
        for (var i = 0; i < count; i++)
        {
            var tokenIds = r.ReadInts();
            var textCount = r.ReadCount(4);
            var texts = new string[textCount];
            for (var t = 0; t < textCount; t++) texts[t] = r.ReadString();
            var logProbs = r.ReadFloats();
            var versions = r.ReadLongs();
            if (texts.Length != tokenIds.Length || logProbs.Length != tokenIds.Length || versions.Length != tokenIds.Length)
                throw new WireFormatException($"rollout {i} of group {groupId} has {tokenIds.Length} tokens but {texts.Length} texts, " +
                                              $"{logProbs.Length} log-probs and {versions.Length} versions");
            var text = r.ReadString();
            var truncated = r.ReadBool();
            var reward = r.ReadDouble();
            Dictionary<string, double>? parts = null;
            if (r.ReadBool())
            {
                var partCount = r.ReadCount(12);
                parts = new Dictionary<string, double>(partCount);
                for (var p = 0; p < partCount; p++)
                {
                    var name = r.ReadString();
                    if (!parts.TryAdd(name, r.ReadDouble())) throw new WireFormatException($"reward part \"{name}\" appears twice");
                }
            }
            rollouts[i] = new Rollout(tokenIds, texts, logProbs, versions, text, truncated, reward, parts, r.ReadString());
        }
        return new RolloutGroup(groupId, promptId, promptText, promptTokens, gold, startVersion, generator, rollouts);
    }

    private static T[] AsArray<T>(IReadOnlyList<T> list) => list as T[] ?? list.ToArray();
}
