using Akka.Actor;
using Akka.Event;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Serialization;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// A generator node's end of the weight sync: subscribes to the learner's <see cref="WeightSyncSender"/>,
/// reassembles and verifies each transfer, and publishes the weights to the node's own <see cref="WeightsHub"/>
/// (from which the local generators take them exactly as on one node).
///
/// Anything wrong — a missing chunk (a gap in the ordered stream), a corrupt one, a transfer joined in the
/// middle, a delta whose base this node does not hold, or a transfer idle for longer than the sync time-out —
/// abandons the transfer and asks the sender for the current version in full (pull recovery). While such a
/// request is outstanding, stray chunks of the abandoned transfer are ignored; the request is repeated after
/// another time-out if no new transfer starts.
///
/// Weights are taken only from the learner: a chunk or offer whose sender is not the weight sender this receiver
/// subscribed to (another node of the cluster, say) is refused and counted, and no transfer may claim more than
/// max-snapshot-bytes. With cluster.tls on, downloads over the side channel are mutually authenticated TLS.
/// </summary>
public sealed class WeightSyncReceiver : ReceiveActor, IWithTimers
{
    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Fetched(WeightsOffer Offer, byte[]? Bytes, string? Problem, double Seconds);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private WeightsOffer? _fetching;
    private readonly IActorRef _source;
    private readonly IActorRef _hub;
    private readonly ClusterSettings _settings;
    private PolicySnapshot? _current;
    private WeightAssembly? _assembly;
    private DateTime? _requestedAt;
    private ClusterTls? _tls;
    private long _refused;

    /// <param name="source">The learner node's weight sender (or anything that speaks its protocol).</param>
    /// <param name="hub">Where complete versions are published (the node's <see cref="WeightsHub"/>).</param>
    public WeightSyncReceiver(IActorRef source, IActorRef hub, ClusterSettings settings)
    {
        _source = source;
        _hub = hub;
        _settings = settings;

        Receive<WeightChunk>(OnChunk);
        Receive<Tick>(_ => OnTick());
        Receive<WeightsOffer>(OnOffer);
        Receive<Fetched>(OnFetched);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private long HaveVersion => _current?.Version ?? -1;

    protected override void PreStart()
    {
        _tls = _settings.Tls is { } tls ? ClusterTls.Load(tls) : null;
        _source.Tell(new SubscribeWeightSync(HaveVersion));
        Timers.StartPeriodicTimer("tick", Tick.Instance, _settings.WeightSyncTimeout / 4);
    }

    /// <summary>Whether the message in hand comes from the learner's weight sender; anything else is refused.</summary>
    private bool FromLearner(object message)
    {
        if (Sender.Path.Equals(_source.Path)) return true;
        // Logged for the first ten refusals and every 1000th after: a flood must not become a flood of log lines.
        if (_refused++ < 10 || _refused % 1000 == 0)
            _log.Warning("Weight sync: refused a {Message} from {Sender} ({Count} so far): weights are taken only from the learner's {Source}",
                message.GetType().Name, Sender.Path, _refused, _source.Path);
        return false;
    }

    private void OnChunk(WeightChunk chunk)
    {
        if (!FromLearner(chunk) || chunk.Version <= HaveVersion) return;
        string? problem;
        if (_assembly is null || chunk.Version > _assembly.Version)
        {
            if (chunk.Index != 0 && _requestedAt is not null) return; // the rest of a transfer we already gave up
            if (_assembly is not null) _log.Debug("Abandoning version {Old} for newer version {New}", _assembly.Version, chunk.Version);
            _assembly = WeightAssembly.Start(chunk, _settings.MaxSnapshotBytes, out problem);
            _requestedAt = null;
        }
        else if (chunk.Version < _assembly.Version) return;
        else problem = _assembly.Add(chunk);

        if (problem is not null)
        {
            Request(chunk.Version, problem);
            return;
        }
        if (_assembly!.IsComplete) Complete(_assembly);
    }

    private void Complete(WeightAssembly assembly)
    {
        _assembly = null;
        var bytes = assembly.Finish(out var problem);
        if (bytes is null)
        {
            Request(assembly.Version, problem!);
            return;
        }
        PolicySnapshot snapshot;
        try
        {
            snapshot = SnapshotCodec.Decode(bytes, _current);
        }
        catch (WireFormatException e)
        {
            Request(assembly.Version, e.Message);
            return;
        }
        _current = snapshot;
        _hub.Tell(new WeightsPublished(snapshot.Version, snapshot));
        var seconds = assembly.Elapsed.TotalSeconds;
        _log.Debug("Weights version {Version}: {Bytes} bytes in {Chunks} chunks, {Seconds:0.000} s", snapshot.Version, assembly.TotalBytes, assembly.Count, seconds);
        _source.Tell(new WeightSyncAck(snapshot.Version, assembly.BaseVersion != WeightChunk.Full, assembly.TotalBytes, assembly.Count, seconds));
    }

    private void OnOffer(WeightsOffer offer)
    {
        if (!FromLearner(offer) || offer.Version <= HaveVersion || (_fetching is not null && offer.Version <= _fetching.Version)) return;
        if (offer.TotalBytes < 0 || offer.TotalBytes > _settings.MaxSnapshotBytes)
        {
            Request(offer.Version, $"offer of version {offer.Version} claims {offer.TotalBytes} bytes (max-snapshot-bytes = {_settings.MaxSnapshotBytes})");
            return;
        }
        _fetching = offer;
        _requestedAt = null;
        var timeout = _settings.WeightSyncTimeout * 3;
        var tls = _tls;
        // The download runs off the actor's thread; its result comes back as a message.
        Task.Run(async () =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                var bytes = await WeightBulkServer.FetchAsync(offer.Host, offer.Port, offer.TransferId, offer.Token, offer.TotalBytes, tls, cancel.Token);
                return new Fetched(offer, bytes, null, clock.Elapsed.TotalSeconds);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException
                                       or System.Security.Authentication.AuthenticationException or FormatException)
            {
                return new Fetched(offer, null, $"download of version {offer.Version} from {offer.Host}:{offer.Port} failed: {e.Message}", clock.Elapsed.TotalSeconds);
            }
        }).PipeTo(Self);
    }

    private void OnFetched(Fetched fetched)
    {
        if (!ReferenceEquals(fetched.Offer, _fetching)) return;
        _fetching = null;
        var offer = fetched.Offer;
        if (fetched.Bytes is null)
        {
            Request(offer.Version, fetched.Problem!);
            return;
        }
        if (System.IO.Hashing.XxHash3.HashToUInt64(fetched.Bytes) != offer.SnapshotHash)
        {
            Request(offer.Version, $"version {offer.Version} downloaded with the wrong hash");
            return;
        }
        PolicySnapshot snapshot;
        try
        {
            snapshot = SnapshotCodec.Decode(fetched.Bytes, _current);
        }
        catch (WireFormatException e)
        {
            Request(offer.Version, e.Message);
            return;
        }
        _current = snapshot;
        _hub.Tell(new WeightsPublished(snapshot.Version, snapshot));
        _source.Tell(new WeightSyncAck(snapshot.Version, offer.BaseVersion != WeightChunk.Full, offer.TotalBytes, 1, fetched.Seconds));
    }

    private void OnTick()
    {
        if (_assembly is { } a && a.IdleFor > _settings.WeightSyncTimeout)
            Request(a.Version, $"no chunk of version {a.Version} for {a.IdleFor.TotalSeconds:0.#} s");
        else if (_requestedAt is { } at && DateTime.UtcNow - at > _settings.WeightSyncTimeout)
            Request(-1, "no transfer started after the last request");
    }

    private void Request(long failedVersion, string reason)
    {
        _log.Warning("Weight sync: {Reason}; asking the learner for the current version", reason);
        _assembly = null;
        _requestedAt = DateTime.UtcNow;
        _source.Tell(new WeightSyncRequest(HaveVersion, failedVersion, reason));
    }
}
