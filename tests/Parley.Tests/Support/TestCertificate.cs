using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Parley.Server.Hosting;

namespace Parley.Tests.Support;

/// <summary>A self-signed pair for 127.0.0.1 and localhost written to a temporary directory, and what a server with TLS listeners needs of it.</summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _directory;

    private TestCertificate(string directory, SelfSignedCertificate pair)
    {
        _directory = directory;
        CertFile = Path.Combine(directory, "cert.pem");
        KeyFile = Path.Combine(directory, "key.pem");
        Pair = pair;
        pair.Write(CertFile, KeyFile);
    }

    public string CertFile { get; }

    public string KeyFile { get; }

    public SelfSignedCertificate Pair { get; private set; }

    public static TestCertificate Create() => new(TempDirectory.Create(), NewPair());

    public static SelfSignedCertificate NewPair() => SelfSignedCertificate.Create(SelfSignedCertificate.DefaultNames, TimeSpan.FromDays(2));

    /// <summary>Replaces the files with a new pair, as a renewal would.</summary>
    public void Renew()
    {
        Pair = NewPair();
        Pair.Write(CertFile, KeyFile);
    }

    /// <summary>Settings for a test server with every TLS listener on port 0; <paramref name="plain"/> false switches the plain TCP and HTTP ones off.</summary>
    public Dictionary<string, string?> Settings(bool plain = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TlsCert"] = CertFile,
            ["TlsKey"] = KeyFile,
            ["TcpTls"] = "127.0.0.1:0",
            ["Https"] = "127.0.0.1:0",
            ["IrcTls"] = "127.0.0.1:0",
        };
        if (!plain)
        {
            settings["Tcp"] = "";
            settings["Http"] = "";
        }
        return settings;
    }

    /// <summary>Opens TLS to a port, trusting any certificate, and returns the stream and the certificate the server showed.</summary>
    public static async Task<(SslStream Stream, X509Certificate2 Certificate)> ConnectAsync(int port, System.Security.Authentication.SslProtocols protocols = default)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return await OverAsync(tcp, protocols);
    }

    /// <summary>TLS over a connected socket, trusting any certificate.</summary>
    public static async Task<(SslStream Stream, X509Certificate2 Certificate)> OverAsync(TcpClient tcp, System.Security.Authentication.SslProtocols protocols = default)
    {
        var stream = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        X509Certificate2? seen = null;
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                seen = certificate is null ? null : new X509Certificate2(certificate);
                return certificate is not null;
            },
        });
        return (stream, seen!);
    }

    public void Dispose() => TempDirectory.Delete(_directory);
}
