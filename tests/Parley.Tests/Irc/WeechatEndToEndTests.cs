using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>A packaged IRC client, WeeChat, against the real server: SASL, the lobby, messages both ways, a guest.</summary>
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
}
