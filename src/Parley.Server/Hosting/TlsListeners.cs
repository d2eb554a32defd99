using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Parley.Server.Observability;
using Parley.Server.Transports;

namespace Parley.Server.Hosting;

/// <summary>
/// The TLS listeners (settings <c>Https</c>, <c>TcpTls</c>, <c>IrcTls</c>), all on Kestrel with
/// one reloading certificate (<see cref="CertificateFiles"/>): HTTPS runs what the plain HTTP
/// listener runs, the other two run the native and IRC line protocols through
/// <see cref="KestrelLineListener"/> (docs/architecture.md, "TLS").
/// </summary>
internal sealed class TlsListeners
{
    private readonly IPEndPoint? _https;
    private readonly IPEndPoint? _tcpTls;
    private readonly IPEndPoint? _ircTls;

    private TlsListeners(IPEndPoint? https, IPEndPoint? tcpTls, IPEndPoint? ircTls)
    {
        _https = https;
        _tcpTls = tcpTls;
        _ircTls = ircTls;
    }

    public ListenOptions? Https { get; private set; }

    public ListenOptions? TcpTls { get; private set; }

    public ListenOptions? IrcTls { get; private set; }

    private KestrelLineListener? _tcpTlsLines;
    private KestrelLineListener? _ircTlsLines;

    /// <summary>Whether an HTTPS listener is set.</summary>
    public bool HasHttps => _https is not null;

    public bool Any => _https is not null || _tcpTls is not null || _ircTls is not null;

    /// <summary>Reads the addresses; a TLS listener without a certificate and key is a mistake the user must mend.</summary>
    public static TlsListeners Parse(ParleyOptions options)
    {
        var listeners = new TlsListeners(
            EndpointParser.ParseOptional(options.Https, "https"),
            EndpointParser.ParseOptional(options.TcpTls, "tcp-tls"),
            EndpointParser.ParseOptional(options.IrcTls, "irc-tls"));
        if (listeners.Any && (string.IsNullOrWhiteSpace(options.TlsCert) || string.IsNullOrWhiteSpace(options.TlsKey)))
            throw new ArgumentException("a TLS listener (--https, --tcp-tls, --irc-tls) needs --tls-cert FILE and --tls-key FILE (parley cert makes a pair to try)");
        return listeners;
    }

    /// <summary>Adds the listeners to Kestrel; <paramref name="serveHttp"/> puts on an HTTPS listener what the HTTP listener runs (its second argument: TLS).</summary>
    public void Listen(KestrelServerOptions kestrel, Action<ListenOptions, bool> serveHttp)
    {
        if (_https is not null)
        {
            kestrel.Listen(_https, listen =>
            {
                Https = listen;
                ConnectionsPerAddressMiddleware.Add(listen, tls: true, http: true);
                listen.UseParleyTls(Certificate(listen), http: true);
                serveHttp(listen, true);
            });
        }
        if (_tcpTls is not null)
        {
            kestrel.Listen(_tcpTls, listen =>
                (TcpTls, _tcpTlsLines) = (listen, Lines(listen, "tcp+tls", sp => sp.GetRequiredService<TcpJsonConnectionHandler>().OnConnected)));
        }
        if (_ircTls is not null)
        {
            kestrel.Listen(_ircTls, listen =>
                (IrcTls, _ircTlsLines) = (listen, Lines(listen, "irc+tls", sp => sp.GetRequiredService<IrcConnectionHandler>().OnConnected)));
        }
    }

    private static KestrelLineListener Lines(ListenOptions listen, string transport, Func<IServiceProvider, Action<ITransportConnection>> protocol)
    {
        ConnectionsPerAddressMiddleware.Add(listen, tls: true, http: false);
        listen.UseParleyTls(Certificate(listen), http: false);
        var services = listen.ApplicationServices;
        var lines = new KestrelLineListener(transport, protocol(services), services.GetRequiredService<IHostApplicationLifetime>());
        listen.Run(lines.OnConnectedAsync);
        return lines;
    }

    /// <summary>
    /// The open connections of the line listeners that are set, by transport, for the connection
    /// gauge; read at each scrape (the listeners are made as Kestrel binds, after the gauge is).
    /// </summary>
    public IEnumerable<(string Transport, Func<long> Open)> ConnectionCounts()
    {
        if (_tcpTls is not null)
            yield return ("tcp+tls", () => _tcpTlsLines?.OpenCount ?? 0);
        if (_ircTls is not null)
            yield return ("irc+tls", () => _ircTlsLines?.OpenCount ?? 0);
    }

    private static CertificateFiles Certificate(ListenOptions listen) => listen.ApplicationServices.GetRequiredService<CertificateFiles>();

    /// <summary>The "listening …" lines for stdout, in the order scripts expect.</summary>
    public IEnumerable<string> Announcements()
    {
        if (TcpTls?.IPEndPoint is { } tcp)
            yield return $"listening tcp+tls {tcp}";
        if (Https?.IPEndPoint is { } https)
            yield return $"listening https {https}";
        if (IrcTls?.IPEndPoint is { } irc)
            yield return $"listening irc+tls {irc}";
    }

    /// <summary>The TLS listeners that are set, for /readyz.</summary>
    public IEnumerable<KestrelListenerCheck> ReadinessChecks()
    {
        if (_tcpTls is not null)
            yield return new KestrelListenerCheck("tcp+tls", () => TcpTls, Tls: true);
        if (_https is not null)
            yield return new KestrelListenerCheck("https", () => Https, Tls: true);
        if (_ircTls is not null)
            yield return new KestrelListenerCheck("irc+tls", () => IrcTls, Tls: true);
    }

    /// <summary>Kestrel's listeners by name, to say which one could not bind.</summary>
    public IReadOnlyList<(string Name, IPEndPoint Endpoint)> KestrelEndpoints(IPEndPoint? http)
    {
        var all = new List<(string, IPEndPoint)>();
        if (http is not null)
            all.Add(("http", http));
        if (_https is not null)
            all.Add(("https", _https));
        if (_tcpTls is not null)
            all.Add(("tcp+tls", _tcpTls));
        if (_ircTls is not null)
            all.Add(("irc+tls", _ircTls));
        return all;
    }
}
