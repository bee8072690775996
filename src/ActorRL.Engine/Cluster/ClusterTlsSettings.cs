using ActorRL.Core.Configuration;

namespace ActorRL.Engine.Cluster;

/// <summary>
/// <c>actorrl.cluster.tls</c>: mutually authenticated TLS between the nodes of a cluster, for Akka.Remote and the
/// weight side channel alike. Null when off.
/// </summary>
/// <param name="CertificatePath">PKCS#12 (.p12/.pfx) file with this node's certificate and its private key.</param>
/// <param name="Password">The PKCS#12 file's password ("" for none).</param>
/// <param name="AuthorityPath">PEM file with the certificate(s) of the CA that signed every node's certificate: a peer
/// is admitted only if its certificate chains to one of them.</param>
public sealed record ClusterTlsSettings(string CertificatePath, string Password, string AuthorityPath)
{
    public static ClusterTlsSettings? FromConfig(SettingsReader r)
    {
        if (!r.GetBool("enabled")) return null;
        // Named at `enabled` when the file is not set at all: that is the line the user wrote.
        var certificate = r.GetStringOrNull("certificate") ?? throw r.Fail(r.IsOverridden("certificate") ? "certificate" : "enabled",
            "needs tls.certificate, this node's PKCS#12 certificate file (it is null)");
        var authority = r.GetStringOrNull("ca") ?? throw r.Fail(r.IsOverridden("ca") ? "ca" : "enabled",
            "needs tls.ca, the PEM file of the CA that signed the nodes' certificates (it is null)");
        return new ClusterTlsSettings(certificate, r.GetString("password"), authority);
    }
}
