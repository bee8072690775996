using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorRL.Engine.Cluster;

namespace ActorRL.Tests.Shared;

/// <summary>
/// A throw-away PKI in a temporary folder, made with .NET's own certificate API (samples/cluster/run-local.sh makes
/// the same shape with openssl): a CA, node certificates it signed (PKCS#12 with a password), and a second, rogue
/// CA with a node certificate of its own that the first CA never signed.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    public const string Password = "test-password";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("actorrl-tls-");
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _rogueCa;
    private readonly string _rogueCaPath;

    public TestCertificates()
    {
        _ca = NewAuthority("CN=ActorRL test CA");
        _rogueCa = NewAuthority("CN=Someone else's CA");
        CaPath = Path.Combine(_dir.FullName, "ca.pem");
        File.WriteAllText(CaPath, _ca.ExportCertificatePem());
        _rogueCaPath = Path.Combine(_dir.FullName, "rogue-ca.pem");
        File.WriteAllText(_rogueCaPath, _rogueCa.ExportCertificatePem());
    }

    public string CaPath { get; }

    /// <summary>Settings for a node whose certificate the cluster's CA signed.</summary>
    public ClusterTlsSettings Node(string name) => new(WriteNode(name, _ca), Password, CaPath);

    /// <summary>Settings for an outsider: a certificate of another CA, which it trusts (it would not start otherwise).</summary>
    public ClusterTlsSettings Rogue(string name) => new(WriteNode(name, _rogueCa), Password, _rogueCaPath);

    private string WriteNode(string name, X509Certificate2 issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2") }, false)); // server and client auth
        var serial = RandomNumberGenerator.GetBytes(16);
        using var signed = request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(20), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        var path = Path.Combine(_dir.FullName, $"{name}.p12");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12, Password));
        return path;
    }

    private static X509Certificate2 NewAuthority(string subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _rogueCa.Dispose();
        _dir.Delete(recursive: true);
    }
}
