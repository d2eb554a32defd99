using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Server.Transports;

namespace Parley.Tests.Transports;

/// <summary>
/// <see cref="TrustedProxies"/>: its own reading of X-Forwarded-For (for WebSockets the shortcut
/// serves) must give the address ASP.NET Core's forwarded-headers middleware gives (for every other
/// request), so a client is one address to the limits whichever way its request went.
/// </summary>
public sealed class TrustedProxiesTests
{
    private static readonly TrustedProxies Proxies = new(["127.0.0.1", "10.0.0.0/8", "fd00::/8"]);

    public static TheoryData<string, string?> Cases => new()
    {
        { "127.0.0.1", null },                                   // a trusted proxy that forwards no one
        { "127.0.0.1", "203.0.113.7" },                          // one hop
        { "127.0.0.1", "198.51.100.1, 203.0.113.7" },            // a client's own header, then the proxy's hop: the rightmost
        { "127.0.0.1", "203.0.113.7, 10.1.2.3" },                // two proxies: past the trusted one
        { "127.0.0.1", "203.0.113.9, 203.0.113.7, 10.1.2.3" },
        { "127.0.0.1", "10.1.2.3, 10.4.5.6" },                   // every hop trusted: the leftmost
        { "127.0.0.1", "203.0.113.7:4567" },                     // a hop with its port
        { "127.0.0.1", "[2001:db8::1]:443" },
        { "127.0.0.1", "2001:db8::1" },
        { "127.0.0.1", "203.0.113.7, not-an-address" },          // an unparsable hop stops the walk
        { "127.0.0.1", "203.0.113.7,,  " },
        { "::ffff:127.0.0.1", "203.0.113.7" },                   // IPv4 mapped into IPv6
        { "fd12::5", "203.0.113.7" },
        { "203.0.113.50", "198.51.100.1" },                      // not a trusted proxy: the header is ignored
        { "::1", "198.51.100.1" },                               // loopback, but only 127.0.0.1 was named
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_client_address_is_the_one_the_forwarded_headers_middleware_finds(string socket, string? forwardedFor)
    {
        var from = new IPEndPoint(IPAddress.Parse(socket), 40000);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = from.Address;
        context.Connection.RemotePort = from.Port;
        if (forwardedFor is not null)
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        var middleware = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(Proxies.MiddlewareOptions()));
        await middleware.Invoke(context);

        var ours = Proxies.ClientOf(from, forwardedFor);
        Assert.Equal(new IPEndPoint(context.Connection.RemoteIpAddress!, context.Connection.RemotePort), ours);
    }

    [Fact]
    public void Some_answers_spelled_out()
    {
        var proxy = new IPEndPoint(IPAddress.Loopback, 40000);
        Assert.Equal(IPAddress.Parse("203.0.113.7"), Proxies.ClientOf(proxy, "198.51.100.1, 203.0.113.7").Address);
        Assert.Equal(IPAddress.Parse("203.0.113.7"), Proxies.ClientOf(proxy, "203.0.113.7, 10.1.2.3").Address);
        Assert.Equal(proxy, Proxies.ClientOf(proxy, null));
        var stranger = new IPEndPoint(IPAddress.Parse("203.0.113.50"), 40000);
        Assert.Equal(stranger, Proxies.ClientOf(stranger, "198.51.100.1"));
    }

    [Fact]
    public void Nothing_is_trusted_by_default_and_a_bad_entry_is_named()
    {
        var none = new TrustedProxies([]);
        Assert.False(none.Any);
        Assert.False(none.Trusts(IPAddress.Loopback));
        // The middleware's own defaults trust loopback: the options given to it must not.
        var options = none.MiddlewareOptions();
        Assert.Empty(options.KnownProxies);
        Assert.Empty(options.KnownIPNetworks);

        var error = Assert.Throws<ArgumentException>(() => new TrustedProxies(["10.0.0.1", "proxy.example.org"]));
        Assert.Contains("'proxy.example.org'", error.Message);
        Assert.Throws<ArgumentException>(() => new TrustedProxies(["10.0.0.0/33"]));
    }
}
