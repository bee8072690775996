using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using ActorRL.Core.Configuration;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Serialization;

namespace ActorRL.Benchmarks.Pipeline;

/// <summary>
/// What crossing nodes costs, in one run with the ratios side by side:
/// (1) rollout groups/s from a generator to the coordinator within one actor system vs between two actor
///     systems over Akka.Remote on loopback (real sockets, real serializer);
/// (2) weight broadcast MB/s from the learner node's <see cref="WeightSyncSender"/> to 1, 2 and 4 receiver nodes
///     vs raw loopback TCP moving the same bytes to as many sockets, measured in the same run.
/// Every system here is its own cluster node as far as remoting is concerned (its own port on 127.0.0.1).
/// </summary>
public static class ClusterBenchmark
{
    /// <param name="overrides"><c>key=value</c> settings on top of hocon/cluster.conf (chunk and frame sizes…).</param>
    public static async Task RunAsync(TextWriter output, string hoconDirectory, IReadOnlyList<string> overrides, int groups = 20_000, int weightMegabytes = 32, int repeats = 5)
    {
        var pipeline = PipelineConfig.Load(new[] { Path.Combine(hoconDirectory, "cluster.conf") }, overrides, new[] { hoconDirectory });
        var settings = Engine.Configuration.ActorRLSettings.FromConfig(pipeline).Cluster;
        // Shutting down many nodes at once logs disassociations; the benchmark's output is its table.
        var baseConfig = ActorSystemConfig.Build(pipeline.Render("akka"), "OFF");
        settings.CheckFitsFrame(baseConfig);
        Config NodeConfig(string role) => new ClusterNodeConfig(role, Array.Empty<string>(), Port: 0).ToAkkaConfig().WithFallback(baseConfig);

        output.WriteLine($"Cluster benchmark on {Environment.ProcessorCount} cores, loopback; Akka.Remote maximum-frame-size " +
                         $"{baseConfig.GetByteSize(ClusterSettings.FrameSizeKey)} bytes, weight chunks of {settings.WeightChunkBytes} bytes");
        await GroupThroughput(output, NodeConfig, groups);
        await WeightBroadcast(output, NodeConfig, settings, weightMegabytes, repeats);
    }

    // ---- (1) rollout groups -------------------------------------------------------------------------------

    /// <summary>A group as the main job makes them: 8 responses of 48 tokens with texts, log-probs and versions.</summary>
    public static RolloutGroup SampleGroup(int i) => new($"p{i}#1", $"p{i}", "What is 37 + 45?\n", Enumerable.Range(0, 24).ToArray(), "82", 3, "generator-1",
        Enumerable.Range(0, 8).Select(r => new Rollout(Enumerable.Range(0, 48).Select(t => (t * 7 + r) % 40).ToArray(),
            Enumerable.Range(0, 48).Select(t => ((char)('0' + t % 10)).ToString()).ToArray(),
            Enumerable.Range(0, 48).Select(t => -0.01f * (t + r)).ToArray(),
            Enumerable.Repeat(3L, 48).ToArray(), "37 + 45 = 82\nAnswer: 82", false)).ToArray());

    /// <summary>Counts groups and acknowledges every 100 (the generator side keeps at most 1000 in flight, like a bounded queue).</summary>
    private sealed class GroupSink : ReceiveActor
    {
        public GroupSink()
        {
            var count = 0;
            ReceiveAny(_ =>
            {
                if (++count % 100 == 0) Sender.Tell(new RequestWork(count));
            });
        }
    }

    private sealed class GroupSource : ReceiveActor
    {
        public GroupSource(IActorRef sink, int total, object[] messages, TaskCompletionSource<TimeSpan> done)
        {
            var sent = 0;
            var clock = new Stopwatch();
            void SendUpTo(int acked)
            {
                while (sent < total && sent - acked < 1000) sink.Tell(messages[sent++ % messages.Length]);
            }
            Receive<string>(_ =>
            {
                clock.Start();
                SendUpTo(0);
            });
            Receive<RequestWork>(ack =>
            {
                if (ack.MaxPrompts >= total) done.TrySetResult(clock.Elapsed);
                else SendUpTo(ack.MaxPrompts);
            });
        }
    }

    private static Task<double> GroupsPerSecond(ActorSystem from, ActorSystem to, int total) =>
        MessagesPerSecond(from, to, total, Enumerable.Range(0, 64).Select(i => (object)new GroupGenerated(SampleGroup(i), 400, TimeSpan.FromMilliseconds(5))).ToArray());

    /// <summary>
    /// <paramref name="from"/>'s reference to the actor at <paramref name="elements"/> on <paramref name="to"/>, built from the path:
    /// cluster nodes run in untrusted mode, where an actor selection reaches only akka.remote.trusted-selection-paths.
    /// </summary>
    private static IActorRef RemoteRef(ActorSystem from, ActorSystem to, IEnumerable<string> elements) =>
        ((ExtendedActorSystem)from).Provider.ResolveActorRef(new RootActorPath(((ExtendedActorSystem)to).Provider.DefaultAddress) / elements);

    /// <summary>Messages/s from a source on <paramref name="from"/> to a sink on <paramref name="to"/>, at most 1000 unacknowledged.</summary>
    private static async Task<double> MessagesPerSecond(ActorSystem from, ActorSystem to, int total, object[] messages)
    {
        total = Math.Max(100, total / 100 * 100); // the sink acknowledges every 100th group
        var sinkLocal = to.ActorOf(Props.Create(() => new GroupSink()));
        var sink = ReferenceEquals(from, to) ? sinkLocal
            : RemoteRef(from, to, sinkLocal.Path.Elements);
        var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = from.ActorOf(Props.Create(() => new GroupSource(sink, total, messages, done)));
        source.Tell("go");
        var elapsed = await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return total / elapsed.TotalSeconds;
    }

    private static async Task GroupThroughput(TextWriter output, Func<string, Config> nodeConfig, int groups)
    {
        using var a = ActorSystem.Create(ClusterNodeConfig.ActorSystemName, nodeConfig("learner"));
        using var b = ActorSystem.Create(ClusterNodeConfig.ActorSystemName, nodeConfig("generator"));
        var serializer = new PipelineMessageSerializer((ExtendedActorSystem)a);
        var sample = new GroupGenerated(SampleGroup(0), 400, TimeSpan.FromMilliseconds(5));
        var bytes = serializer.ToBinary(sample).Length;
        // Serializer alone: what one core pays per group to encode and decode.
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.ElapsedMilliseconds < 1000)
        {
            serializer.FromBinary(serializer.ToBinary(sample), "gg");
            n++;
        }
        var codecRate = n / clock.Elapsed.TotalSeconds;
        await GroupsPerSecond(a, a, groups / 4); // warm-up
        await GroupsPerSecond(b, a, groups / 4);
        var local = await GroupsPerSecond(a, a, groups);
        var remote = await GroupsPerSecond(b, a, groups);
        output.WriteLine();
        output.WriteLine($"Rollout groups (8 responses × 48 tokens, {bytes} bytes on the wire each), {groups} groups, ≤ 1000 in flight:");
        output.WriteLine(Invariant($"  in-process (one actor system)        {local,10:N0} groups/s"));
        output.WriteLine(Invariant($"  remote (two systems, Akka.Remote)    {remote,10:N0} groups/s  = {remote / local:P1} of in-process, {remote * bytes / 1e6:F1} MB/s"));
        output.WriteLine(Invariant($"  serializer round trip alone, 1 core  {codecRate,10:N0} groups/s"));
    }

    /// <summary>The transport's own ceiling: plain byte[] messages (Akka's ByteArraySerializer, no copy, no checksum).</summary>
    private static async Task<double> RemoteBytesPerSecond(Func<string, Config> nodeConfig, int messageBytes, long totalBytes)
    {
        using var a = ActorSystem.Create(ClusterNodeConfig.ActorSystemName, nodeConfig("learner"));
        using var b = ActorSystem.Create(ClusterNodeConfig.ActorSystemName, nodeConfig("generator"));
        var payloads = Enumerable.Range(0, 8).Select(i => (object)Enumerable.Repeat((byte)i, messageBytes).ToArray()).ToArray();
        var count = (int)(totalBytes / messageBytes);
        await MessagesPerSecond(b, a, count / 4, payloads);
        return await MessagesPerSecond(b, a, count, payloads) * messageBytes;
    }

    // ---- (2) weight broadcast -----------------------------------------------------------------------------

    private static PolicySnapshot BigSnapshot(long version, int megabytes)
    {
        var floats = megabytes * (1 << 20) / sizeof(float);
        var tensors = new List<NamedArray>();
        const int perTensor = 1 << 20;
        for (var t = 0; t * perTensor < floats; t++)
        {
            var data = new float[Math.Min(perTensor, floats - t * perTensor)];
            for (var i = 0; i < data.Length; i++) data[i] = (i * 31 + t + version) % 1000 * 1e-4f;
            tensors.Add(new NamedArray($"w{t}", new long[] { data.Length }, data));
        }
        return new PolicySnapshot(version, tensors);
    }

    private static async Task WeightBroadcast(TextWriter output, Func<string, Config> nodeConfig, ClusterSettings settings, int megabytes, int repeats)
    {
        output.WriteLine();
        output.WriteLine($"Weight broadcast of a {megabytes} MiB snapshot (full transfers, median of {repeats}); raw TCP moves the same bytes in");
        output.WriteLine($"{settings.WeightChunkBytes}-byte writes to as many loopback sockets, in the same run:");
        output.WriteLine($"  {"transport",9} {"receivers",9} {"weight sync",14} {"per receiver",14} {"raw TCP",14} {"sync / raw",11}");
        var snapshots = Enumerable.Range(1, repeats + 1).Select(v => BigSnapshot(v, megabytes)).ToArray();
        var encodedBytes = SnapshotCodec.Encode(snapshots[0]).LongLength;
        var transport = await RemoteBytesPerSecond(nodeConfig, settings.WeightChunkBytes, Math.Max(8L << 20, encodedBytes * 2));
        foreach (var mode in Enum.GetValues<WeightTransport>())
        foreach (var receivers in new[] { 1, 2, 4 })
        {
            var sync = await SyncSeconds(nodeConfig, settings with { WeightTransport = mode }, snapshots, receivers);
            var raw = RawTcpSeconds(encodedBytes, settings.WeightChunkBytes, receivers, repeats);
            double Rate(double seconds) => receivers * encodedBytes / seconds / 1e6;
            output.WriteLine(Invariant(
                $"  {SettingNames.Of(mode),9} {receivers,9} {Rate(sync),9:F0} MB/s {encodedBytes / sync / 1e6,9:F0} MB/s {Rate(raw),9:F0} MB/s {raw / sync,10:P0}"));
        }
        output.WriteLine(Invariant($"  Akka.Remote itself, plain byte[] messages of {settings.WeightChunkBytes} bytes, one pair of nodes: {transport / 1e6:F0} MB/s"));
    }

    private static async Task<double> SyncSeconds(Func<string, Config> nodeConfig, ClusterSettings settings, PolicySnapshot[] snapshots, int receivers)
    {
        var systems = new List<ActorSystem>();
        try
        {
            var learner = ActorSystem.Create(ClusterNodeConfig.ActorSystemName, nodeConfig("learner"));
            systems.Add(learner);
            var hub = learner.ActorOf(Props.Create(() => new WeightsHub()), "weights");
            learner.ActorOf(Props.Create(() => new WeightSyncSender(hub, settings, null)).WithDispatcher(RunSupervisor.ModelDispatcher), "weight-sync");
            var arrivals = new ConcurrentDictionary<long, int>();
            var complete = new ConcurrentDictionary<long, TaskCompletionSource<bool>>();
            Func<long, TaskCompletionSource<bool>> completion = v => complete.GetOrAdd(v, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
            for (var r = 0; r < receivers; r++)
            {
                var node = ActorSystem.Create(ClusterNodeConfig.ActorSystemName, nodeConfig("generator"));
                systems.Add(node);
                var source = RemoteRef(node, learner, new[] { "user", "weight-sync" });
                var sink = node.ActorOf(Props.Create(() => new ArrivalSink(arrivals, receivers, completion)));
                node.ActorOf(Props.Create(() => new WeightSyncReceiver(source, sink, settings)).WithDispatcher(RunSupervisor.ModelDispatcher));
            }
            await Task.Delay(500); // subscriptions reach the sender
            var times = new List<double>();
            foreach (var snapshot in snapshots)
            {
                var clock = Stopwatch.StartNew();
                hub.Tell(new WeightsPublished(snapshot.Version, snapshot));
                await completion(snapshot.Version).Task.WaitAsync(TimeSpan.FromMinutes(2));
                times.Add(clock.Elapsed.TotalSeconds);
            }
            return Median(times.Skip(1).ToList()); // the first transfer warms up connections and code
        }
        finally
        {
            // Receivers first, then the learner: nodes leave before the one they are connected to.
            await Task.WhenAll(systems.Skip(1).Select(s => s.Terminate()));
            if (systems.Count > 0) await systems[0].Terminate();
        }
    }

    private sealed class ArrivalSink : ReceiveActor
    {
        public ArrivalSink(ConcurrentDictionary<long, int> arrivals, int receivers, Func<long, TaskCompletionSource<bool>> completion) =>
            Receive<WeightsPublished>(w =>
            {
                if (arrivals.AddOrUpdate(w.Version, 1, (_, n) => n + 1) == receivers) completion(w.Version).TrySetResult(true);
            });
    }

    /// <summary>One sender thread per socket writes <paramref name="bytes"/> in chunks; a reader per socket drains it.</summary>
    private static double RawTcpSeconds(long bytes, int chunk, int sockets, int repeats)
    {
        var times = new List<double>();
        for (var rep = 0; rep <= repeats; rep++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var readers = Enumerable.Range(0, sockets).Select(_ => Task.Run(() =>
            {
                using var client = listener.AcceptTcpClient();
                using var stream = client.GetStream();
                var buffer = new byte[1 << 16];
                long read = 0;
                while (read < bytes) read += stream.Read(buffer);
            })).ToArray();
            var clients = Enumerable.Range(0, sockets).Select(_ => new TcpClient(IPAddress.Loopback.ToString(), port) { NoDelay = true }).ToArray();
            var payload = new byte[chunk];
            Random.Shared.NextBytes(payload);
            var clock = Stopwatch.StartNew();
            var writers = clients.Select(c => Task.Run(() =>
            {
                var stream = c.GetStream();
                for (long sent = 0; sent < bytes; sent += chunk) stream.Write(payload, 0, (int)Math.Min(chunk, bytes - sent));
            })).ToArray();
            Task.WaitAll(writers);
            Task.WaitAll(readers);
            if (rep > 0) times.Add(clock.Elapsed.TotalSeconds);
            foreach (var c in clients) c.Dispose();
            listener.Stop();
        }
        return Median(times);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
