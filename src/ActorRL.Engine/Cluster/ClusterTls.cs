using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// A node's TLS identity and the authority it trusts (<see cref="ClusterTlsSettings"/>), loaded once at the edge.
/// Both ends of every connection present a certificate and both check the other's: a peer is admitted only when
/// its certificate chains to the configured CA (no system roots, no host-name check — node certificates name
/// nodes, not the addresses they happen to bind). The same check guards Akka.Remote (through
/// <see cref="DotNettySslSetup"/>) and the weight side channel (<see cref="WeightBulkServer"/>).
/// </summary>
public sealed class ClusterTls
{
    private readonly X509Certificate2Collection _authorities;

    private ClusterTls(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        _authorities = authorities;
    }

    /// <summary>This node's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Loads and checks the files; a problem is a <see cref="ClusterTlsException"/> naming the key at fault.</summary>
    public static ClusterTls Load(ClusterTlsSettings settings)
    {
        X509Certificate2Collection authorities = new();
        try
        {
            authorities.ImportFromPemFile(settings.AuthorityPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ClusterTlsException("ca", $"cannot read the CA certificate {settings.AuthorityPath}: {e.Message}");
        }
        if (authorities.Count == 0) throw new ClusterTlsException("ca", $"{settings.AuthorityPath} holds no PEM certificate");

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.Password);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ClusterTlsException("certificate", $"cannot load the PKCS#12 file {settings.CertificatePath} (wrong password or not PKCS#12?): {e.Message}");
        }
        if (!certificate.HasPrivateKey)
            throw new ClusterTlsException("certificate", $"{settings.CertificatePath} holds no private key for {certificate.Subject}");
        var tls = new ClusterTls(certificate, authorities);
        // A node whose own certificate its peers would refuse fails here, at start, not at every handshake.
        if (tls.Explain(certificate) is { } problem)
            throw new ClusterTlsException("certificate", $"{certificate.Subject} would be refused by its peers: {problem}");
        return tls;
    }

    /// <summary>Whether a peer's certificate chains to the configured CA.</summary>
    public bool Trusts(X509Certificate? peer) => peer is not null && Explain(peer) is null;

    /// <summary>Why <paramref name="peer"/> is not trusted, or null when it is.</summary>
    public string? Explain(X509Certificate peer)
    {
        var certificate = peer as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(peer.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        // A private CA publishes no revocation list; rotating the CA is how a node is shut out.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(certificate)) return null;
        var reasons = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
        return $"{certificate.Subject} (issued by {certificate.Issuer}) does not chain to the configured CA: {string.Join("; ", reasons)}";
    }

    /// <summary>An actor system with TLS on when <paramref name="tls"/> is set (every cluster node is made here).</summary>
    public static ActorSystem CreateSystem(string name, Config akka, ClusterTlsSettings? tls) =>
        tls is null ? ActorSystem.Create(name, akka) : ActorSystem.Create(name, Load(tls).Bootstrap(akka));

    /// <summary>The actor-system setup that turns on TLS for Akka.Remote with this identity and check.</summary>
    public ActorSystemSetup Bootstrap(Config akka)
    {
        CertificateValidationCallback validator = (certificate, _, peer, _, log) =>
        {
            var problem = certificate is null ? "it presented no certificate" : Explain(certificate);
            if (problem is not null) log.Warning("TLS: refused the connection from {0}: {1}", peer, problem);
            return problem is null;
        };
        var ssl = new DotNettySslSetup(Certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: validator);
        var config = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = true").WithFallback(akka);
        return BootstrapSetup.Create().WithConfig(config).And(ssl);
    }
}

/// <summary>A TLS file that cannot be used; <see cref="Key"/> is the key under <c>actorrl.cluster.tls</c> at fault.</summary>
public sealed class ClusterTlsException(string key, string message) : Exception(message)
{
    public string Key { get; } = key;
}
