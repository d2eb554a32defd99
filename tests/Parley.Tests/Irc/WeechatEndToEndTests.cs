using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>A packaged IRC client, WeeChat, against the real server: SASL, the lobby, messages both ways, a guest, operator commands and away.</summary>
public sealed class WeechatEndToEndTests
{
    [Fact]
    public async Task Weechat_joins_the_lobby_with_sasl_and_talks_with_a_native_client()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using (var alice = await server.RegisterAsync("alice"))
        {
        }
        await using var weechat = WeechatClient.Start(
            $"/server add parley 127.0.0.1/{server.IrcPort} -notls -nicks=alice -username=alice -sasl_mechanism=plain " +
            "-sasl_username=alice -sasl_password=password1 -autojoin=#lobby;/connect parley");

        await weechat.LoggedAsync("irc.server.parley", "SASL authentication successful");
        await weechat.LoggedAsync("irc.parley.#lobby", "alice (alice@parley) has joined #lobby");
        await bob.NextAsync("presence", p => p.GetProperty("user").GetString() == "alice" && p.GetProperty("online").GetBoolean());

        await bob.OkAsync("send", new { room = "lobby", text = "hello weechat, from native" });
        await weechat.LoggedAsync("irc.parley.#lobby", "bob\thello weechat, from native");

        await weechat.TypeAsync("irc.parley.#lobby", "hello native, from weechat");
        var message = await bob.NextAsync("message", m => m.GetProperty("from").GetString() == "alice");
        Assert.Equal("lobby", message.GetProperty("room").GetString());
        Assert.Equal("hello native, from weechat", message.GetProperty("text").GetString());

        await weechat.TypeAsync("irc.server.parley", "/quit leaving now");
        // (Alice's native session closing earlier was an offline without a reason.)
        var offline = await bob.NextAsync("presence", p => p.GetProperty("user").GetString() == "alice" && p.TryGetProperty("reason", out _));
        Assert.False(offline.GetProperty("online").GetBoolean());
        Assert.Equal("Quit: leaving now", offline.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Weechat_as_a_guest_reads_the_latest_history_and_is_heard()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await bob.OkAsync("send", new { room = "lobby", text = "said before the guest came" });
        await using var weechat = WeechatClient.Start(
            $"/server add parley 127.0.0.1/{server.IrcPort} -notls -nicks=visitor -username=visitor -autojoin=#lobby;/connect parley");

        await weechat.LoggedAsync("irc.server.parley", "You are a guest");
        await weechat.LoggedAsync("irc.parley.#lobby", "bob\tsaid before the guest came");
        await weechat.TypeAsync("irc.parley.#lobby", "a guest says hi");
        var message = await bob.NextAsync("message", m => m.GetProperty("from").GetString() == "visitor");
        Assert.Equal("a guest says hi", message.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Weechat_ops_and_kicks_and_sees_who_is_away()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcGuests"] = "open" });
        await using var weechat = WeechatClient.Start(
            $"/server add parley 127.0.0.1/{server.IrcPort} -notls -nicks=opper -username=opper -autojoin=#ops;/connect parley");
        await weechat.LoggedAsync("irc.parley.#ops", "opper (opper@parley) has joined #ops");
        await using var bob = await IrcClient.GuestAsync(server.IrcPort, "bob", "away-notify");
        await bob.SendAsync("JOIN #ops");
        await bob.NumericAsync("366");
        await weechat.LoggedAsync("irc.parley.#ops", "bob (bob@parley) has joined #ops");

        await weechat.TypeAsync("irc.parley.#ops", "/op bob");
        await bob.NextAsync(l => l == ":opper!opper@parley MODE #ops +o bob");
        await weechat.LoggedAsync("irc.parley.#ops", "Mode #ops [+o bob] by opper");

        await bob.SendAsync("AWAY :out to lunch");
        await bob.NumericAsync("306");
        await weechat.TypeAsync("irc.parley.#ops", "/msg bob are you there?");
        await bob.NextAsync(l => l == ":opper!opper@parley PRIVMSG bob :are you there?");
        await weechat.LoggedAsync("irc.server.parley", "[bob] is away: out to lunch");
        await weechat.TypeAsync("irc.parley.#ops", "/away brb");
        await bob.NextAsync(l => l == ":opper!opper@parley AWAY :brb");
        await weechat.LoggedAsync("irc.server.parley", "You have been marked as being away");

        await weechat.TypeAsync("irc.parley.#ops", "/kick bob off topic");
        await bob.NextAsync(l => l == ":opper!opper@parley KICK #ops bob :off topic");
        await weechat.LoggedAsync("irc.parley.#ops", "opper has kicked bob (off topic)");
    }

    [Fact]
    public async Task Weechat_survives_a_server_restart_and_rejoins_its_channel()
    {
        var data = TempDirectory.Create();
        var settings = new Dictionary<string, string?> { ["Irc"] = $"127.0.0.1:{FreePort.Tcp()}" };
        try
        {
            var server = await TestServer.StartAsync(settings, data);
            await using (await server.RegisterAsync("alice"))
            {
            }
            await using var weechat = WeechatClient.Start(
                $"/server add parley 127.0.0.1/{server.IrcPort} -notls -nicks=alice -username=alice -sasl_mechanism=plain " +
                "-sasl_username=alice -sasl_password=password1 -autojoin=#lobby -autoreconnect_delay=1;/connect parley");
            await weechat.LoggedAsync("irc.parley.#lobby", "alice (alice@parley) has joined #lobby");

            await server.DisposeAsync();
            await weechat.LoggedAsync("irc.server.parley", "reconnecting to server");
            server = await TestServer.StartAsync(settings, data);
            await using var bob = await server.RegisterAsync("bob");
            await Until.TrueAsync(async () => (await bob.OkAsync("online")).ToString().Contains("alice"), "WeeChat signs in again");
            await bob.OkAsync("send", new { room = "lobby", text = "welcome back, weechat" });
            await weechat.LoggedAsync("irc.parley.#lobby", "bob\twelcome back, weechat");
            await server.DisposeAsync();
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
