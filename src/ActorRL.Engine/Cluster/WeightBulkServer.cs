using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// The bulk side channel of the weight sync (<c>actorrl.cluster.weight-transport = tcp</c>): serves encoded
/// snapshots over plain TCP, because Akka.Remote's transport tops out far below a socket's throughput
/// (docs/benchmarks.md). Akka still carries the control messages (offer with version, size, hash; ack; pull
/// recovery); this server only streams bytes. A request is the transfer id and its random token (both learned
/// only from a <see cref="WeightsOffer"/> sent over remoting); the reply is a status byte, the length and the
/// bytes. It binds to the same host as remoting, on any free port. The bytes are not encrypted: use it only
/// where remoting itself would be acceptable without TLS (docs/architecture.md, "Security").
/// </summary>
public sealed class WeightBulkServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly ConcurrentDictionary<long, (long Token, byte[] Bytes)> _transfers = new();
    private readonly CancellationTokenSource _stop = new();
    private long _nextId;

    public WeightBulkServer(string host)
    {
        // The remoting hostname may be a name: bind to what it resolves to (IPv4 first), never to every interface.
        var address = IPAddress.TryParse(host, out var parsed) ? parsed
            : Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Host = host;
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptLoop);
    }

    public string Host { get; }
    public int Port { get; }

    /// <summary>Makes <paramref name="bytes"/> downloadable; returns its id and token.</summary>
    public (long Id, long Token) Offer(byte[] bytes)
    {
        var id = Interlocked.Increment(ref _nextId);
        var token = Random.Shared.NextInt64();
        _transfers[id] = (token, bytes);
        return (id, token);
    }

    /// <summary>Forgets every transfer but <paramref name="keep"/> (older versions are never fetched again).</summary>
    public void Retain(IReadOnlySet<long> keep)
    {
        foreach (var id in _transfers.Keys)
            if (!keep.Contains(id)) _transfers.TryRemove(id, out _);
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                var request = new byte[16];
                await stream.ReadExactlyAsync(request, _stop.Token);
                var id = BinaryPrimitives.ReadInt64LittleEndian(request);
                var token = BinaryPrimitives.ReadInt64LittleEndian(request.AsSpan(8));
                var header = new byte[9];
                if (!_transfers.TryGetValue(id, out var transfer) || transfer.Token != token)
                {
                    await stream.WriteAsync(header, _stop.Token); // status 0: unknown or expired
                    return;
                }
                header[0] = 1;
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(1), transfer.Bytes.LongLength);
                await stream.WriteAsync(header, _stop.Token);
                await stream.WriteAsync(transfer.Bytes, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The receiver went away or timed out; it will ask again over remoting.
            }
        }
    }

    /// <summary>Downloads one transfer (receiver side); throws <see cref="IOException"/> when it is gone or cut short.</summary>
    public static async Task<byte[]> FetchAsync(string host, int port, long id, long token, long expectedBytes, CancellationToken cancellation)
    {
        using var client = new TcpClient { NoDelay = true, ReceiveBufferSize = 1 << 20 };
        await client.ConnectAsync(host, port, cancellation);
        var stream = client.GetStream();
        var request = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(request, id);
        BinaryPrimitives.WriteInt64LittleEndian(request.AsSpan(8), token);
        await stream.WriteAsync(request, cancellation);
        var header = new byte[9];
        await stream.ReadExactlyAsync(header, cancellation);
        if (header[0] != 1) throw new IOException($"transfer {id} is no longer offered by {host}:{port}");
        var length = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(1));
        if (length != expectedBytes) throw new IOException($"transfer {id} has {length} bytes, the offer said {expectedBytes}");
        var bytes = new byte[length];
        await stream.ReadExactlyAsync(bytes, cancellation);
        return bytes;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _transfers.Clear();
    }
}
