using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

public sealed class ReconnectTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task After_a_server_restart_the_page_reconnects_and_shows_every_message_once_in_order()
    {
        var data = TempDirectory.Create();
        // The page reconnects to the address it was loaded from: the new server takes the same port.
        var http = new Dictionary<string, string?> { ["Http"] = $"127.0.0.1:{FreePort.Tcp()}" };
        try
        {
            var server = await TestServer.StartAsync(http, data);
            await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
            await alice.RegisterAsync("alice");
            await alice.OpenAsync("lobby");
            await using (var bob = await server.RegisterAsync("bob"))
            {
                await bob.OkAsync("send", new { room = "lobby", text = "m1" });
                await Expect(alice.Bubble("m1")).ToBeVisibleAsync();
                await alice.SendAsync("m2");
                await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "m2");
                await bob.OkAsync("send", new { room = "lobby", text = "m3" });
                await Expect(alice.Bubbles).ToHaveTextAsync(["m1", "m2", "m3"]);
                await bob.OkAsync("send", new { to = "alice", text = "d1" });
                await Expect(alice.Badge("d:bob")).ToHaveTextAsync("1");
            }

            await server.DisposeAsync();
            await Expect(alice.Banner).ToHaveTextAsync("Reconnecting…");

            server = await TestServer.StartAsync(http, data);
            await using (server)
            {
                // Said while the page was away: it must fetch these by seq when it is back.
                await using var bob = await server.ConnectAsync();
                await bob.OkAsync("login", new { user = "bob", password = "password1" });
                await bob.OkAsync("send", new { room = "lobby", text = "m4" });
                await bob.OkAsync("send", new { room = "lobby", text = "m5" });
                await bob.OkAsync("send", new { to = "alice", text = "d2" });

                await Expect(alice.Banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
                await Expect(alice.Bubbles).ToHaveTextAsync(["m1", "m2", "m3", "m4", "m5"]);
                await Expect(alice.Badge("d:bob")).ToHaveTextAsync("2");

                // And live again, both ways.
                await bob.OkAsync("send", new { room = "lobby", text = "m6" });
                await Expect(alice.Bubble("m6")).ToBeVisibleAsync();
                await alice.SendAsync("m7");
                await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "m7");
                await Expect(alice.Bubbles).ToHaveTextAsync(["m1", "m2", "m3", "m4", "m5", "m6", "m7"]);

                await alice.OpenAsync("@bob");
                await Expect(alice.Bubbles).ToHaveTextAsync(["d1", "d2"]);

                // The server holds each message once: a reload shows the same.
                await alice.Page.ReloadAsync();
                await alice.OpenAsync("lobby");
                await Expect(alice.Bubbles).ToHaveTextAsync(["m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
                var history = await bob.OkAsync("history", new { room = "lobby" });
                Assert.Equal(["m7", "m6", "m5", "m4", "m3", "m2", "m1"],
                    history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
            }
            Assert.Empty(alice.Dialogs);
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
