using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// The bulk side channel of the weight sync (<c>actorrl.cluster.weight-transport = tcp</c>): serves encoded
/// snapshots over a socket of its own, because Akka.Remote's transport tops out far below a socket's throughput
/// (docs/benchmarks.md). Akka still carries the control messages (offer with version, size, hash and token; ack;
/// pull recovery); this server only streams bytes. It binds to the same host as remoting, on any free port.
///
/// What it trusts: nothing a connection says until it proves itself. With <c>cluster.tls</c> on, the connection is
/// mutually authenticated TLS and the peer's certificate must chain to the cluster's CA. Either way a request is
/// the transfer id and its 256-bit random token, which only the learner's offer over remoting carries, compared
/// in constant time. The handshake and request must arrive within the request time-out, a reply must be taken
/// within the transfer time-out, and at most <see cref="BulkLimits.MaxConnections"/> connections are served at
/// once (more are closed at accept), so a peer that connects and stalls holds nothing for long.
/// </summary>
public sealed class WeightBulkServer : IDisposable
{
    /// <summary>Random bytes in a transfer token (sent in hex in <see cref="WeightsOffer.Token"/>).</summary>
    public const int TokenBytes = 32;

    private const int RequestBytes = 8 + TokenBytes;

    private readonly TcpListener _listener;
    private readonly ConcurrentDictionary<long, (byte[] Token, byte[] Bytes)> _transfers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ClusterTls? _tls;
    private readonly BulkLimits _limits;
    private readonly SemaphoreSlim _slots;
    private long _nextId;
    private long _refused;

    public WeightBulkServer(string host, ClusterTls? tls, BulkLimits limits)
    {
        _tls = tls;
        _limits = limits;
        _slots = new SemaphoreSlim(limits.MaxConnections, limits.MaxConnections);
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

    /// <summary>Connections closed without being served: over the cap, failed TLS, a late or wrong request.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Makes <paramref name="bytes"/> downloadable; returns its id and token (hex).</summary>
    public (long Id, string Token) Offer(byte[] bytes)
    {
        var id = Interlocked.Increment(ref _nextId);
        var token = RandomNumberGenerator.GetBytes(TokenBytes);
        _transfers[id] = (token, bytes);
        return (id, Convert.ToHexString(token));
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
            if (!_slots.Wait(0))
            {
                Interlocked.Increment(ref _refused);
                client.Dispose();
                continue;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await Serve(client);
                }
                finally
                {
                    _slots.Release();
                }
            });
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            deadline.CancelAfter(_limits.RequestTimeout);
            Stream? stream = null;
            try
            {
                client.NoDelay = true;
                stream = client.GetStream();
                if (_tls is { } tls)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                    stream = ssl;
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = tls.Certificate,
                        ClientCertificateRequired = true,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                        RemoteCertificateValidationCallback = (_, certificate, _, _) => tls.Trusts(certificate),
                    }, deadline.Token);
                }
                var request = new byte[RequestBytes];
                await stream.ReadExactlyAsync(request, deadline.Token);
                var id = BinaryPrimitives.ReadInt64LittleEndian(request);
                var header = new byte[9];
                if (!_transfers.TryGetValue(id, out var transfer) || !CryptographicOperations.FixedTimeEquals(transfer.Token, request.AsSpan(8)))
                {
                    Interlocked.Increment(ref _refused);
                    await stream.WriteAsync(header, deadline.Token); // status 0: unknown, expired or not yours
                    return;
                }
                deadline.CancelAfter(_limits.TransferTimeout);
                header[0] = 1;
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(1), transfer.Bytes.LongLength);
                await stream.WriteAsync(header, deadline.Token);
                await stream.WriteAsync(transfer.Bytes, deadline.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                // A failed handshake, a stalled or vanished peer: a real receiver asks again over remoting.
                Interlocked.Increment(ref _refused);
            }
            finally
            {
                if (stream is not null) await stream.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Downloads one transfer (receiver side); throws <see cref="IOException"/> when it is gone or cut short and
    /// <see cref="System.Security.Authentication.AuthenticationException"/> when the server is not a node of the cluster.
    /// </summary>
    public static async Task<byte[]> FetchAsync(string host, int port, long id, string token, long expectedBytes, ClusterTls? tls, CancellationToken cancellation)
    {
        var secret = Convert.FromHexString(token);
        if (secret.Length != TokenBytes) throw new IOException($"transfer {id}: a token of {secret.Length} bytes, expected {TokenBytes}");
        using var client = new TcpClient { NoDelay = true, ReceiveBufferSize = 1 << 20 };
        await client.ConnectAsync(host, port, cancellation);
        Stream stream = client.GetStream();
        try
        {
            if (tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    ClientCertificates = new X509CertificateCollection { tls.Certificate },
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => tls.Trusts(certificate),
                }, cancellation);
            }
            var request = new byte[RequestBytes];
            BinaryPrimitives.WriteInt64LittleEndian(request, id);
            secret.CopyTo(request.AsSpan(8));
            await stream.WriteAsync(request, cancellation);
            var header = new byte[9];
            await stream.ReadExactlyAsync(header, cancellation);
            if (header[0] != 1) throw new IOException($"transfer {id} is no longer offered by {host}:{port}");
            var length = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(1));
            // The offer's size was checked against max-snapshot-bytes; the server may not claim another.
            if (length != expectedBytes) throw new IOException($"transfer {id} has {length} bytes, the offer said {expectedBytes}");
            var bytes = new byte[length];
            await stream.ReadExactlyAsync(bytes, cancellation);
            return bytes;
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _transfers.Clear();
    }
}

/// <summary>How long a side-channel peer may take and how many may be served at once.</summary>
/// <param name="RequestTimeout">From accept to a complete request (TLS handshake included).</param>
/// <param name="TransferTimeout">For the whole reply once the request is accepted.</param>
/// <param name="MaxConnections">Connections served at once; more are closed at accept.</param>
public sealed record BulkLimits(TimeSpan RequestTimeout, TimeSpan TransferTimeout, int MaxConnections)
{
    /// <summary>The limits a learner node uses: a request within one sync time-out, a transfer within three (the receiver's own deadline).</summary>
    public static BulkLimits For(ClusterSettings settings) =>
        new(settings.WeightSyncTimeout, settings.WeightSyncTimeout * 3, settings.SideChannelMaxConnections);
}
