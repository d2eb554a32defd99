using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Parley.Server.Hosting;

/// <summary>How every TLS listener (https, tcp+tls, irc+tls) does its handshake.</summary>
internal static class TlsListenOptions
{
    /// <summary>TLS 1.2 and 1.3 only: 1.0 and 1.1 are refused at the handshake.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>
    /// Puts TLS in front of whatever the listener runs, with the certificate in service at each
    /// handshake (<see cref="CertificateFiles"/>). HTTPS offers HTTP/1.1 alone by ALPN, as the plain
    /// listener serves it (the WebSocket shortcut reads HTTP/1.1 heads); the line listeners offer no
    /// ALPN, so no client is refused for asking for a protocol name.
    /// </summary>
    public static void UseParleyTls(this ListenOptions listen, CertificateFiles certificate, bool http)
    {
        listen.Protocols = HttpProtocols.Http1;
        List<SslApplicationProtocol>? alpn = http ? [SslApplicationProtocol.Http11] : null;
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificate.Context,
                EnabledSslProtocols = Protocols,
                ApplicationProtocols = alpn,
                ClientCertificateRequired = false,
            }),
        });
    }
}
