using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// The learner node's end of the weight sync: subscribes to the local <see cref="WeightsHub"/> and streams each
/// new version to every subscribed receiver (one per generator node) as checksummed chunks.
///
/// Flow control is "latest wins": a receiver has at most one transfer in flight; versions published meanwhile
/// are skipped and the newest is sent when the receiver acknowledges. So a slow node never makes the learner
/// buffer a backlog of stale weights, and a fast one gets every version. Each version is encoded once (per base
/// version, in delta mode) and its chunks are shared by all receivers.
///
/// Recovery is pull-based: a receiver that misses or rejects a chunk asks for the current version in full. A
/// transfer that is never acknowledged (every chunk lost, or a receiver that died silently before DeathWatch
/// noticed) is re-sent in full after three sync time-outs.
/// Runs on a pinned thread: encoding a large model is compute.
/// </summary>
public sealed class WeightSyncSender : ReceiveActor, IWithTimers
{
    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed class Receiver(IActorRef actor, long holds)
    {
        public IActorRef Actor { get; } = actor;
        public long Holds { get; set; } = holds;
        public long InFlight { get; set; } = -1;
        public Stopwatch SentAt { get; } = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _hub;
    private readonly IActorRef? _metrics;
    private readonly ClusterSettings _settings;
    private readonly Dictionary<IActorRef, Receiver> _receivers = new();
    private readonly Dictionary<long, PolicySnapshot> _kept = new();
    private readonly Dictionary<long, IReadOnlyList<WeightChunk>> _encoded = new();
    private readonly Dictionary<long, WeightsOffer> _offers = new();
    private WeightBulkServer? _bulk;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private PolicySnapshot? _latest;
    private long _bytesSent;
    private long _transfers;

    public WeightSyncSender(IActorRef hub, ClusterSettings settings, IActorRef? metrics = null)
    {
        _hub = hub;
        _settings = settings;
        _metrics = metrics;

        Receive<WeightsPublished>(OnPublished);
        Receive<SubscribeWeightSync>(s =>
        {
            if (!_receivers.TryGetValue(Sender, out var receiver))
            {
                receiver = new Receiver(Sender, s.HaveVersion);
                _receivers[Sender] = receiver;
                Context.Watch(Sender);
                _log.Info("Weight receiver {Receiver} subscribed (holds version {Version})", Sender.Path, s.HaveVersion);
            }
            receiver.Holds = s.HaveVersion;
            receiver.InFlight = -1;
            SendLatest(receiver, forceFull: false);
        });
        Receive<WeightSyncAck>(OnAck);
        Receive<WeightSyncRequest>(r =>
        {
            if (!_receivers.TryGetValue(Sender, out var receiver)) return;
            _log.Warning("Weight receiver {Receiver} asks for the current version ({Reason})", Sender.Path, r.Reason);
            receiver.Holds = r.HaveVersion;
            receiver.InFlight = -1;
            SendLatest(receiver, forceFull: true);
        });
        Receive<Tick>(_ =>
        {
            foreach (var receiver in _receivers.Values.Where(r => r.InFlight >= 0 && r.SentAt.Elapsed > _settings.WeightSyncTimeout * 3).ToList())
            {
                _log.Warning("Weight receiver {Receiver} never acknowledged version {Version}; sending the current version again", receiver.Actor.Path, receiver.InFlight);
                receiver.InFlight = -1;
                SendLatest(receiver, forceFull: true);
            }
        });
        Receive<Terminated>(t =>
        {
            if (_receivers.Remove(t.ActorRef)) _log.Info("Weight receiver {Receiver} is gone", t.ActorRef.Path);
            Prune();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PostStop() => _bulk?.Dispose();

    protected override void PreStart()
    {
        _hub.Tell(new SubscribeWeights(Self));
        if (_settings.WeightTransport == WeightTransport.Tcp)
        {
            var tls = _settings.Tls is { } t ? ClusterTls.Load(t) : null;
            _bulk = new WeightBulkServer(Context.System.Settings.Config.GetString("akka.remote.dot-netty.tcp.hostname", "127.0.0.1"), tls, BulkLimits.For(_settings));
            _log.Info("Weights are served over {Transport} at {Host}:{Port} (weight-transport = tcp)", tls is null ? "plain TCP" : "TLS", _bulk.Host, _bulk.Port);
        }
        Timers.StartPeriodicTimer("tick", Tick.Instance, _settings.WeightSyncTimeout / 2);
    }

    private void OnPublished(WeightsPublished published)
    {
        if (published.Weights is null || (_latest is not null && published.Version <= _latest.Version)) return;
        _latest = published.Weights;
        _encoded.Clear();
        _offers.Clear();
        _kept[_latest.Version] = _latest;
        foreach (var receiver in _receivers.Values.Where(r => r.InFlight < 0)) SendLatest(receiver, forceFull: false);
        Prune();
    }

    private void OnAck(WeightSyncAck ack)
    {
        if (!_receivers.TryGetValue(Sender, out var receiver)) return;
        receiver.Holds = ack.Version;
        receiver.InFlight = -1;
        _metrics?.Tell(new MetricsRecord("weight-sync", (int)Math.Min(int.MaxValue, ++_transfers), ack.Version, _clock.Elapsed.TotalSeconds,
            new Dictionary<string, double>
            {
                ["sync_bytes"] = ack.Bytes,
                ["sync_chunks"] = ack.Chunks,
                ["sync_seconds"] = ack.Seconds,
                ["sync_round_trip_seconds"] = receiver.SentAt.Elapsed.TotalSeconds,
                ["sync_delta"] = ack.Delta ? 1 : 0,
                ["sync_receivers"] = _receivers.Count,
                ["sync_bytes_sent_total"] = _bytesSent,
            }));
        SendLatest(receiver, forceFull: false);
        Prune();
    }

    private void SendLatest(Receiver receiver, bool forceFull)
    {
        if (_latest is null || receiver.InFlight >= 0 || receiver.Holds >= _latest.Version) return;
        var baseline = !forceFull && _settings.WeightDelta && _kept.TryGetValue(receiver.Holds, out var kept) ? kept : null;
        var key = baseline?.Version ?? WeightChunk.Full;
        if (_bulk is not null)
        {
            if (!_offers.TryGetValue(key, out var offer))
            {
                var bytes = SnapshotCodec.Encode(_latest, baseline);
                if (!FitsReceivers(bytes)) return;
                var (id, token) = _bulk.Offer(bytes);
                offer = new WeightsOffer(_latest.Version, key, bytes.LongLength, System.IO.Hashing.XxHash3.HashToUInt64(bytes), _bulk.Host, _bulk.Port, id, token);
                _offers[key] = offer;
                _bulk.Retain(_offers.Values.Select(o => o.TransferId).ToHashSet());
            }
            receiver.Actor.Tell(offer, Self);
            _bytesSent += offer.TotalBytes;
            receiver.InFlight = _latest.Version;
            receiver.SentAt.Restart();
            return;
        }
        if (!_encoded.TryGetValue(key, out var chunks))
        {
            var encoded = SnapshotCodec.Encode(_latest, baseline);
            if (!FitsReceivers(encoded)) return;
            chunks = WeightChunker.Split(encoded, _latest.Version, key, _settings.WeightChunkBytes);
            _encoded[key] = chunks;
        }
        foreach (var chunk in chunks) receiver.Actor.Tell(chunk, Self);
        _bytesSent += chunks.Sum(c => (long)c.Data.Length);
        receiver.InFlight = _latest.Version;
        receiver.SentAt.Restart();
    }

    /// <summary>
    /// Receivers refuse a snapshot over max-snapshot-bytes, so one is never sent: the run is told why once, instead
    /// of every node asking again and again. The generators then wait for weights, and the run's stall check ends it.
    /// </summary>
    private bool FitsReceivers(byte[] encoded)
    {
        if (encoded.LongLength <= _settings.MaxSnapshotBytes) return true;
        if (_tooLarge != _latest!.Version)
            _log.Error("Weights version {Version} encode to {Bytes} bytes, over actorrl.cluster.max-snapshot-bytes = {Max}: generator nodes would refuse them. " +
                       "Raise max-snapshot-bytes on every node", _latest.Version, encoded.LongLength, _settings.MaxSnapshotBytes);
        _tooLarge = _latest.Version;
        return false;
    }

    private long _tooLarge = -1;

    /// <summary>Keep only the latest and the versions some receiver holds or is receiving (future delta bases).</summary>
    private void Prune()
    {
        var needed = _settings.WeightDelta ? _receivers.Values.SelectMany(r => new[] { r.Holds, r.InFlight }).ToHashSet() : new HashSet<long>();
        if (_latest is not null) needed.Add(_latest.Version);
        foreach (var version in _kept.Keys.Where(v => !needed.Contains(v)).ToList()) _kept.Remove(version);
    }
}
