using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
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
