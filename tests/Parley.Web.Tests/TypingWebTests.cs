using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>Typing indicators and read receipts in the browser (issue 29).</summary>
public sealed class TypingWebTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Typing_shows_under_the_conversation_until_the_message_comes_or_it_expires()
    {
        await using var server = await TestServer.StartAsync();
        await using var carol = await server.RegisterAsync("carol");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var bob = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");
        await alice.OpenAsync("lobby");
        await bob.OpenAsync("lobby");
        var bobTyping = bob.Page.Locator("#typing");
        await Expect(bobTyping).ToBeHiddenAsync();

        // alice types: bob sees it at once, and it goes when her message arrives.
        var input = alice.Page.GetByLabel("Message", new() { Exact = true });
        await input.PressSequentiallyAsync("hello there");
        await Expect(bobTyping).ToHaveTextAsync("alice is typing…");
        await Expect(alice.Page.Locator("#typing")).ToBeHiddenAsync();
        await input.PressAsync("Enter");
        await Expect(bob.Bubble("hello there")).ToBeVisibleAsync();
        await Expect(bobTyping).ToBeHiddenAsync();
        // Eleven keys, one typing request (at most one every 3 s).
        Assert.Single(alice.SentFrames(), f => f.Contains("\"typing\""));

        // A native client's typing shows too, and goes by itself after 6 s without news.
        await carol.OkAsync("typing", new { room = "lobby" });
        await Expect(bobTyping).ToHaveTextAsync("carol is typing…");
        await Expect(bobTyping).ToBeHiddenAsync(new() { Timeout = 10_000 });

        // Typing in a DM shows only in that conversation.
        await carol.OkAsync("send", new { to = "bob", text = "hey bob" });
        await Expect(bob.Conversation("d:carol")).ToBeVisibleAsync();
        await carol.OkAsync("typing", new { to = "bob" });
        await bob.OpenAsync("@carol");
        await Expect(bobTyping).ToHaveTextAsync("carol is typing…");
        await bob.OpenAsync("lobby");
        await Expect(bobTyping).ToBeHiddenAsync();
        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
    }

    [Fact]
    public async Task Read_shows_under_one_s_own_direct_message_once_the_other_read_it_and_after_a_reload()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");
        await alice.MessageMemberAsync("bob");
        await alice.SendAsync("first");
        await alice.SendAsync("are you there?");
        await Expect(alice.Page.Locator("#messages .msg.mine[data-seq]")).ToHaveCountAsync(2);
        await Expect(alice.Page.Locator(".msg-read")).ToHaveCountAsync(0);

        await bob.OkAsync("read", new { with = "alice", seq = 1 });
        var read = alice.Page.Locator(".msg-read");
        await Expect(read).ToHaveCountAsync(1);
        await Expect(alice.Page.Locator("#messages .msg[data-seq=\"1\"] .msg-read")).ToHaveTextAsync("Read");
        await bob.OkAsync("read", new { with = "alice", seq = 2 });
        await Expect(alice.Page.Locator("#messages .msg[data-seq=\"2\"] .msg-read")).ToHaveTextAsync("Read");
        await Expect(read).ToHaveCountAsync(1);

        // bob's answer: alice's last message stays marked; his own bubbles never are.
        await bob.OkAsync("typing", new { to = "alice" });
        await Expect(alice.Page.Locator("#typing")).ToHaveTextAsync("bob is typing…");
        await SaveAsync(alice.Page, "typing.png");
        await bob.OkAsync("send", new { to = "alice", text = "yes, just read it" });
        await Expect(alice.Bubble("yes, just read it")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#typing")).ToBeHiddenAsync();
        await Expect(alice.Page.Locator("#messages .msg[data-seq=\"2\"] .msg-read")).ToBeVisibleAsync();

        // Another browser of alice's, signing in later, knows from history how far bob read.
        await using var phone = await WebUser.OpenAsync(browser.Browser, server.HttpUri, Viewports.Phone);
        await phone.LoginAsync("alice");
        await phone.OpenAsync("@bob");
        await Expect(phone.Page.Locator("#messages .msg[data-seq=\"2\"] .msg-read")).ToHaveTextAsync("Read");
        Assert.Empty(alice.Errors);
        Assert.Empty(phone.Errors);
    }

    private static Task SaveAsync(IPage page, string name) => Screenshots.SaveAsync(page, name, commit: true);
}
