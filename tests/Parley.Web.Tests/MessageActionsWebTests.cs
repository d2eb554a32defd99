using System.Text.Json;
using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>
/// What is done to messages once sent, in the web page against a native client: replies with
/// their quote (a click scrolls to the original, loading history), edits, recalls, reactions,
/// mentions (highlight, the list's "@", autocomplete).
/// </summary>
public sealed class MessageActionsWebTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static ILocator Row(WebUser user, long seq) => user.Page.Locator($"#messages [data-seq=\"{seq}\"]");

    private static long Seq(JsonElement reply) => reply.GetProperty("message").GetProperty("seq").GetInt64();

    /// <summary>Opens the "⋯" menu of message <paramref name="seq"/> (shown on hover) and clicks <paramref name="item"/>.</summary>
    private static async Task ActAsync(WebUser user, long seq, string item)
    {
        await Row(user, seq).Locator(".bubble").HoverAsync();
        await Row(user, seq).Locator(".msg-more").ClickAsync();
        await Row(user, seq).Locator(".msg-menu").GetByRole(AriaRole.Menuitem, new() { Name = item, Exact = true }).ClickAsync();
    }

    [Fact]
    public async Task Replies_edits_reactions_and_recalls_go_both_ways_with_a_native_client()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await (await server.RegisterAsync("alice")).DisposeAsync();

        // The original is far back: 130 messages come after it, more than the first pages.
        var question = Seq(await bob.OkAsync("send", new { room = "lobby", text = "the original question" }));
        for (var i = 1; i <= 130; i++)
            await bob.OkAsync("send", new { room = "lobby", text = $"filler {i}" });
        var answer = Seq(await bob.OkAsync("send", new { room = "lobby", text = "the answer", replyTo = question }));
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.LoginAsync("alice");
        await alice.OpenAsync("lobby");
        var quote = Row(alice, answer).Locator(".msg-quote");
        await Expect(quote).ToHaveTextAsync("bob: the original question");
        await Expect(Row(alice, question)).ToHaveCountAsync(0);
        await quote.ClickAsync();
        await Expect(Row(alice, question)).ToBeInViewportAsync();
        await Expect(Row(alice, question)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("flash"));

        // A message calling alice is highlighted, her name in it too.
        var call = Seq(await bob.OkAsync("send", new { room = "lobby", text = "hey @alice look" }));
        await Expect(Row(alice, call)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mentions-me"));
        await Expect(Row(alice, call).Locator(".mention.me")).ToHaveTextAsync("@alice");

        // Reply from the menu: the composer says to whom, the message carries replyTo.
        await ActAsync(alice, call, "Reply");
        await Expect(alice.Page.Locator("#composer-context")).ToContainTextAsync("Replying to bob: hey @alice look");
        await alice.SendAsync("on it");
        var reply = await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "on it");
        Assert.Equal(call, reply.GetProperty("replyTo").GetInt64());
        var mine = reply.GetProperty("seq").GetInt64();
        await Expect(alice.Page.Locator("#composer-context")).ToBeHiddenAsync();
        await Expect(Row(alice, mine).Locator(".msg-quote")).ToHaveTextAsync("bob: hey @alice look");

        // Edit her own: the input takes the text; Enter saves; both see "(edited)".
        await ActAsync(alice, mine, "Edit");
        var input = alice.Page.GetByLabel("Message", new() { Exact = true });
        await Expect(input).ToHaveValueAsync("on it");
        await input.FillAsync("on it now");
        await input.PressAsync("Enter");
        Assert.Equal("on it now", (await bob.NextAsync("edit")).GetProperty("message").GetProperty("text").GetString());
        await Expect(Row(alice, mine).Locator(".bubble")).ToContainTextAsync("on it now(edited)");
        await bob.OkAsync("edit", new { room = "lobby", seq = answer, text = "the corrected answer" });
        await Expect(Row(alice, answer).Locator(".bubble")).ToContainTextAsync("the corrected answer(edited)");
        // Bob's edit may not be offered to her.
        await Row(alice, answer).Locator(".bubble").HoverAsync();
        await Row(alice, answer).Locator(".msg-more").ClickAsync();
        await Expect(Row(alice, answer).Locator(".msg-menu .menu-item")).ToHaveTextAsync(["Reply", "React"]);
        await alice.Page.Keyboard.PressAsync("Escape");

        // Reactions: the picker, the chip (mine highlighted), bob's joining it, a click taking hers back.
        await ActAsync(alice, answer, "React");
        await Row(alice, answer).Locator(".msg-menu.picker").GetByRole(AriaRole.Menuitem, new() { Name = "👍" }).ClickAsync();
        var reacted = await bob.NextAsync("react");
        Assert.Equal(("alice", "👍", true), (reacted.GetProperty("by").GetString(), reacted.GetProperty("emoji").GetString(), reacted.GetProperty("on").GetBoolean()));
        var chip = Row(alice, answer).Locator(".reaction");
        await Expect(chip).ToHaveTextAsync("👍 1");
        await Expect(chip).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mine"));
        await bob.OkAsync("react", new { room = "lobby", seq = answer, emoji = "👍" });
        await Expect(chip).ToHaveTextAsync("👍 2");
        await Expect(chip).ToHaveAttributeAsync("title", "alice, bob");
        await chip.ClickAsync();
        Assert.False((await bob.NextAsync("react")).GetProperty("on").GetBoolean());
        await Expect(chip).ToHaveTextAsync("👍 1");
        await Expect(chip).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mine"));

        // Recalls: bob's own, and hers after a second click.
        await bob.OkAsync("recall", new { room = "lobby", seq = call });
        await Expect(Row(alice, call)).ToHaveTextAsync("bob recalled a message");
        await Expect(Row(alice, mine).Locator(".msg-quote")).ToHaveTextAsync("a recalled message");
        await ActAsync(alice, mine, "Recall");
        await Row(alice, mine).Locator(".msg-menu").GetByRole(AriaRole.Menuitem, new() { Name = "Recall for everyone" }).ClickAsync();
        Assert.Equal("alice", (await bob.NextAsync("recall")).GetProperty("by").GetString());
        await Expect(Row(alice, mine)).ToHaveTextAsync("You recalled a message");

        // After a reload (history as it is now), the same.
        await alice.Page.ReloadAsync();
        await alice.OpenAsync("lobby");
        await Expect(Row(alice, mine)).ToHaveTextAsync("You recalled a message");
        await Expect(Row(alice, answer).Locator(".reaction")).ToHaveTextAsync("👍 1");
        await Expect(Row(alice, answer).Locator(".msg-edited")).ToHaveTextAsync("(edited)");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Mentions_complete_from_the_members_and_an_unread_one_puts_an_at_on_the_conversation()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var bea = await server.RegisterAsync("bea");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");
        await Expect(alice.Member("bea")).ToBeVisibleAsync();

        var input = alice.Page.GetByLabel("Message", new() { Exact = true });
        await input.PressSequentiallyAsync("thanks @b");
        var options = alice.Page.Locator("#mention-list .mention-option");
        await Expect(options).ToHaveTextAsync(["@bea", "@bob"]);
        await input.PressAsync("ArrowDown");
        await input.PressAsync("Enter");
        await Expect(input).ToHaveValueAsync("thanks @bob ");
        await Expect(options).ToHaveCountAsync(0);
        await input.PressSequentiallyAsync("and @be");
        await input.PressAsync("Tab");
        await Expect(input).ToHaveValueAsync("thanks @bob and @bea ");
        await input.PressAsync("Enter");
        var sent = await bob.NextAsync("message", m => m.GetProperty("from").GetString() == "alice");
        Assert.Equal(["bob", "bea"], sent.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()).Order().Reverse());
        await Expect(alice.Page.Locator("#messages .mention")).ToHaveTextAsync(["@bob", "@bea"]);

        // A DM calling her, unread: "@" beside the count; gone once read. Another, not calling her: no "@".
        await bob.OkAsync("send", new { to = "alice", text = "@alice can you check this?" });
        await Expect(alice.Conversation("d:bob").Locator(".mention-badge")).ToHaveTextAsync("@");
        await Expect(alice.Conversation("d:bob").Locator(".badge:not(.mention-badge)")).ToHaveTextAsync("1");
        await alice.Page.ReloadAsync(); // the sign-in reply counts it too (mentioned)
        await Expect(alice.Conversation("d:bob").Locator(".mention-badge")).ToHaveTextAsync("@");
        await alice.OpenAsync("@bob");
        await Expect(alice.Conversation("d:bob").Locator(".badge")).ToHaveCountAsync(0);
        await alice.OpenAsync("lobby");
        await bea.OkAsync("send", new { to = "alice", text = "no call here" });
        await Expect(alice.Conversation("d:bea").Locator(".badge")).ToHaveTextAsync("1");
        await Expect(alice.Conversation("d:bea").Locator(".mention-badge")).ToHaveCountAsync(0);
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Screenshot_of_a_reply_reactions_an_edit_a_recall_and_a_mention()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var carol = await server.RegisterAsync("carol_li");
        await using (var alice0 = await server.RegisterAsync("alice"))
        {
            var lunch = Seq(await bob.OkAsync("send", new { room = "lobby", text = "Lunch at the usual place today?" }));
            var late = Seq(await carol.OkAsync("send", new { room = "lobby", text = "Can we make it 12:30? @alice are you in?" }));
            await alice0.OkAsync("send", new { room = "lobby", text = "Yes! See you there.", replyTo = late });
            var typo = Seq(await bob.OkAsync("send", new { room = "lobby", text = "I'll book a tabel for three." }));
            await bob.OkAsync("edit", new { room = "lobby", seq = typo, text = "I'll book a table for three." });
            var oops = Seq(await carol.OkAsync("send", new { room = "lobby", text = "wrong chat, sorry" }));
            await carol.OkAsync("recall", new { room = "lobby", seq = oops });
            await alice0.OkAsync("react", new { room = "lobby", seq = typo, emoji = "👍" });
            await carol.OkAsync("react", new { room = "lobby", seq = typo, emoji = "👍" });
            await carol.OkAsync("react", new { room = "lobby", seq = typo, emoji = "🎉" });
            await bob.OkAsync("react", new { room = "lobby", seq = lunch, emoji = "😋" });
        }
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.LoginAsync("alice");
        await alice.OpenAsync("lobby");
        await Expect(alice.Page.Locator("#messages .recalled")).ToHaveTextAsync("carol_li recalled a message");
        await Expect(alice.Page.Locator("#messages .msg-quote")).ToHaveTextAsync("carol_li: Can we make it 12:30? @alice are you in?");
        var input = alice.Page.GetByLabel("Message", new() { Exact = true });
        await input.PressSequentiallyAsync("Great, I'll bring @c");
        await Expect(alice.Page.Locator("#mention-list .mention-option")).ToHaveTextAsync(["@carol_li"]);
        await alice.Page.Locator("#messages .msg.theirs .bubble").Last.HoverAsync();
        await Screenshots.SaveAsync(alice.Page, "message-actions.png", commit: true);
    }
}
