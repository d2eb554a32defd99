using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Transports;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>
/// Limits per network address: open connections over every wire together, and failed logins.
/// Loopback is exempt by default, so these turn the exemption off (Connections:ExemptLoopback).
/// </summary>
public sealed class AddressLimitTests
{
    private static bool Bye(JsonElement e, string reason) => e.GetProperty("reason").GetString() == reason;

    [Fact]
    public async Task A_connection_past_the_addresss_limit_is_told_why_and_closed_on_every_wire()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:PerAddress"] = "2", ["Connections:ExemptLoopback"] = "false" });
        await using var first = await server.ConnectAsync();
        await using var second = await IrcClient.ConnectAsync(server.IrcPort);
        await first.OkAsync("ping");
        // Both counted before the next: a WebSocket's connection is counted as it is accepted, and could otherwise overtake the IRC session.
        await Until.TrueAsync(() => Counts(server).OpenFrom(IPAddress.Loopback) == 2, "both connections counted");

        await using (var native = await server.ConnectAsync())
        {
            await native.NextAsync("bye", e => Bye(e, "too_many_connections"));
            await native.Closed.WaitAsync(ProtocolClient.ReplyTimeout);
        }
        await using (var web = await server.ConnectWebSocketAsync())
        {
            await web.NextAsync("bye", e => Bye(e, "too_many_connections"));
            await web.Closed.WaitAsync(ProtocolClient.ReplyTimeout);
        }
        await using (var irc = await IrcClient.ConnectAsync(server.IrcPort))
        {
            await irc.NextAsync(l => l == "ERROR :Closing link: too_many_connections");
            await irc.Closed.WaitAsync(ProtocolClient.ReplyTimeout);
        }
        await first.OkAsync("ping");

        // One closed frees its place.
        await first.DisposeAsync();
        await Until.TrueAsync(async () =>
        {
            // Until the server has seen the close, a new connection is still refused (and closed).
            await using var next = await server.ConnectAsync();
            try
            {
                return (await next.RequestAsync("ping")).GetProperty("type").GetString() == "ok";
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException or TimeoutException)
            {
                return false;
            }
        }, "a place free again");
    }

    private static ConnectionsPerAddress Counts(TestServer server) => (ConnectionsPerAddress)server.Server.Services.GetService(typeof(ConnectionsPerAddress))!;

    /// <summary>A new native connection is refused (bye), once the server has counted what is already open.</summary>
    private static Task UntilNativeIsRefusedAsync(TestServer server, string what) => Until.TrueAsync(async () =>
    {
        await using var native = await server.ConnectAsync();
        try
        {
            await native.NextAsync("bye", e => Bye(e, "too_many_connections"), TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
        // Each try can take its 2 s on a busy machine: allow several.
    }, what, TimeSpan.FromSeconds(30));

    private static async Task<HttpResponseMessage> GetOnANewConnectionAsync(Uri uri)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero });
        return await http.GetAsync(uri);
    }

    [Fact]
    public async Task Plain_http_connections_count_and_a_request_past_the_limit_gets_503_with_the_code()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:PerAddress"] = "2", ["Connections:ExemptLoopback"] = "false" });
        using var idle1 = new TcpClient();
        using var idle2 = new TcpClient();
        await idle1.ConnectAsync(IPAddress.Loopback, server.Server.HttpEndpoint.Port);
        await idle2.ConnectAsync(IPAddress.Loopback, server.Server.HttpEndpoint.Port);
        await Until.TrueAsync(() => Counts(server).OpenFrom(IPAddress.Loopback) == 2, "both idle HTTP connections counted as accepted");

        // Two HTTP connections that have sent nothing yet fill the address's places.
        await UntilNativeIsRefusedAsync(server, "the idle HTTP connections counted");
        using (var refused = await GetOnANewConnectionAsync(new Uri(server.HttpUri, "/healthz")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("{\"error\":\"too_many_connections\"}\n", await refused.Content.ReadAsStringAsync());
        }

        idle1.Dispose();
        await Until.TrueAsync(async () =>
        {
            using var answered = await GetOnANewConnectionAsync(new Uri(server.HttpUri, "/healthz"));
            return answered.StatusCode == HttpStatusCode.OK;
        }, "a place free again");
    }

    [Fact]
    public async Task A_refused_http_connection_that_sends_nothing_is_closed_at_its_deadline()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(new() { ["Connections:PerAddress"] = "2", ["Connections:ExemptLoopback"] = "false" }, time: time);
        using var idle1 = new TcpClient();
        using var idle2 = new TcpClient();
        await idle1.ConnectAsync(IPAddress.Loopback, server.Server.HttpEndpoint.Port);
        await idle2.ConnectAsync(IPAddress.Loopback, server.Server.HttpEndpoint.Port);
        await Until.TrueAsync(() => Counts(server).OpenFrom(IPAddress.Loopback) == 2, "both idle HTTP connections counted as accepted");

        using var refused = new TcpClient();
        await refused.ConnectAsync(IPAddress.Loopback, server.Server.HttpEndpoint.Port);
        var read = ReadOnceAsync(refused.GetStream());
        // Only the server's clock can end it this soon: Kestrel's own timeouts run on the real one, for 30 s and more.
        await Until.TrueAsync(() =>
        {
            time.Advance(ConnectionsPerAddressMiddleware.RefusedDeadline);
            return read.IsCompleted;
        }, "the refused connection closed by the server");
        Assert.Equal(0, await read);
        Assert.Equal(2, Counts(server).OpenFrom(IPAddress.Loopback));
    }

    /// <summary>The bytes of one read: 0 at the end of the stream, or when the server aborted the connection.</summary>
    private static async Task<int> ReadOnceAsync(NetworkStream stream)
    {
        try
        {
            return await stream.ReadAsync(new byte[1]);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task Pending_tls_handshakes_count_and_a_tls_connection_past_the_limit_is_closed_before_its_handshake()
    {
        using var certificate = TestCertificate.Create();
        var settings = certificate.Settings();
        settings["Connections:PerAddress"] = "2";
        settings["Connections:ExemptLoopback"] = "false";
        await using var server = await TestServer.StartAsync(settings);
        var tlsPort = server.Server.TcpTlsEndpoint!.Port;
        using var silent1 = new TcpClient();
        using var silent2 = new TcpClient();
        await silent1.ConnectAsync(IPAddress.Loopback, tlsPort);
        await silent2.ConnectAsync(IPAddress.Loopback, server.Server.IrcTlsEndpoint!.Port);

        // Two handshakes not begun (no ClientHello) fill the places, over the listeners together.
        await UntilNativeIsRefusedAsync(server, "the pending handshakes counted");
        await Assert.ThrowsAnyAsync<Exception>(async () => await (await TestCertificate.ConnectAsync(tlsPort)).Stream.DisposeAsync());

        silent1.Dispose();
        await Until.TrueAsync(async () =>
        {
            try
            {
                var (stream, _) = await TestCertificate.ConnectAsync(tlsPort);
                await stream.DisposeAsync();
                return true;
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or SocketException)
            {
                return false;
            }
        }, "a handshake let through again");
    }

    [Fact]
    public async Task Loopback_is_exempt_by_default()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:PerAddress"] = "1" });
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await second.OkAsync("ping");
        await first.OkAsync("ping");
    }

    [Fact]
    public async Task Failed_logins_from_one_address_refuse_its_logins_for_a_while_whatever_the_name()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(new()
        {
            ["Limits:AddressLoginFailures"] = "3",
            ["Limits:AddressLoginFailuresPerMinute"] = "6",
            ["Connections:ExemptLoopback"] = "false",
        }, time: time);
        await (await server.RegisterAsync("alice")).DisposeAsync();
        await using var client = await server.ConnectAsync();

        foreach (var name in new[] { "bob", "carol", "dave" })
            Assert.Equal("bad_credentials", await client.ErrorAsync("login", new { user = name, password = "guess-guess" }));
        // Even the right password, for a name never tried: the address is refused, before any hash.
        Assert.Equal("address_throttled", await client.ErrorAsync("login", new { user = "alice", password = "password1" }));
        await using (var other = await server.ConnectAsync())
            Assert.Equal("address_throttled", await other.ErrorAsync("login", new { user = "alice", password = "password1" }));

        // Six a minute: one failure is forgiven every 10 s.
        time.Advance(TimeSpan.FromSeconds(10));
        await client.OkAsync("login", new { user = "alice", password = "password1" });
    }

    [Fact]
    public async Task Failed_logins_from_loopback_are_not_counted_by_default()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:AddressLoginFailures"] = "2" });
        await (await server.RegisterAsync("alice")).DisposeAsync();
        await using var client = await server.ConnectAsync();
        foreach (var name in new[] { "bob", "carol", "dave" })
            Assert.Equal("bad_credentials", await client.ErrorAsync("login", new { user = name, password = "guess-guess" }));
        await client.OkAsync("login", new { user = "alice", password = "password1" });
    }
}
