using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>
/// The details people notice beside WeChat (issue 26, item 7): message times, avatars that tell
/// rooms from people, empty panes that say what to do, a Send button that looks like what it is,
/// typed text in the text colour, and a conversation list that keeps its order across a reload.
/// </summary>
public sealed class DetailTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string TextColour = "rgb(25, 25, 25)";
    private const string Green = "rgb(7, 193, 96)";

    [Fact]
    public async Task Each_message_shows_its_time_beside_the_bubble()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        var sent = await bob.OkAsync("send", new { room = "lobby", text = "hello alice" });
        await alice.SendAsync("hi bob");
        var theirs = alice.Page.Locator("#messages .msg.theirs");
        var mine = alice.Page.Locator("#messages .msg.mine");
        await Expect(mine.Locator(".bubble")).ToHaveTextAsync("hi bob");

        // The time as the viewer's clock shows it, beside each bubble: small, faint, but visible.
        var expected = await alice.Page.EvaluateAsync<string>(
            "ts => { const d = new Date(ts), p = (n) => String(n).padStart(2, '0'); return `${p(d.getHours())}:${p(d.getMinutes())}`; }",
            sent.GetProperty("message").GetProperty("ts").GetString());
        await Expect(theirs.Locator(".msg-time")).ToHaveTextAsync(expected);
        await Expect(theirs.Locator(".msg-time")).ToBeVisibleAsync();
        await Expect(mine.Locator(".msg-time")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d:\d\d$"));
        await Expect(mine.Locator(".msg-time")).ToBeVisibleAsync();
        // The full date and time on hover.
        await Expect(theirs.Locator(".msg-time")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"\d{4}-\d\d-\d\d " + expected));
        var size = await theirs.Locator(".msg-time").EvaluateAsync<string>("e => getComputedStyle(e).fontSize");
        Assert.True(double.Parse(size.Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture) <= 12, $"font size {size}");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task People_are_round_rooms_are_square_with_a_hash_mark_and_names_get_different_colours()
    {
        await using var server = await TestServer.StartAsync();
        await using var nina = await server.RegisterAsync("nina");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        var room = alice.Conversation("r:lobby").Locator(".avatar");
        var person = alice.Member("nina").Locator(".avatar");
        await Expect(person).ToBeVisibleAsync();
        Assert.Equal("50%", await person.EvaluateAsync<string>("e => getComputedStyle(e).borderTopLeftRadius"));
        Assert.NotEqual("50%", await room.EvaluateAsync<string>("e => getComputedStyle(e).borderTopLeftRadius"));
        Assert.Equal("\"#\"", await room.EvaluateAsync<string>("e => getComputedStyle(e, '::after').content"));
        Assert.Equal("none", await person.EvaluateAsync<string>("e => getComputedStyle(e, '::after').content"));

        var lobbyColour = await room.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        var ninaColour = await person.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.NotEqual(lobbyColour, ninaColour);

        // A wider palette, and a hash that spreads names over all of it evenly.
        var names = Enumerable.Range(1, 360).Select(i => $"user{i}").ToArray();
        var colours = await alice.Page.EvaluateAsync<string[]>(
            "async (names) => { const { colourOf } = await import('/js/avatar.js'); return names.map(colourOf); }", names);
        var buckets = colours.GroupBy(c => c).Select(g => g.Count()).ToList();
        Assert.True(buckets.Count >= 16, $"{buckets.Count} colours");
        Assert.True(buckets.Max() <= 2 * names.Length / buckets.Count, $"uneven: {string.Join(", ", buckets)}");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Empty_panes_say_what_to_do()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");

        var nothingOpen = alice.Page.Locator("#chat-empty");
        await Expect(nothingOpen).ToBeVisibleAsync();
        await Expect(nothingOpen).ToContainTextAsync("Select a conversation or start one");

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Create or join a room" }).First.ClickAsync();
        await alice.Page.GetByLabel("New room name").FillAsync("quiet");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("quiet (1)");
        var noMessages = alice.Page.Locator("#messages-empty");
        await Expect(noMessages).ToBeVisibleAsync();
        await Expect(noMessages).ToHaveTextAsync("No messages yet — say hello");

        await alice.SendAsync("hello");
        await Expect(alice.Bubble("hello")).ToBeVisibleAsync();
        await Expect(noMessages).ToBeHiddenAsync();
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task The_send_button_looks_enabled_with_text_to_send_and_disabled_without()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        var send = alice.Page.Locator("#send");
        var input = alice.Page.GetByLabel("Message", new() { Exact = true });
        await Expect(send).ToBeDisabledAsync();
        Assert.NotEqual(Green, await send.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.Equal("default", await send.EvaluateAsync<string>("e => getComputedStyle(e).cursor"));

        await input.FillAsync("ready");
        await Expect(send).ToBeEnabledAsync();
        Assert.Equal(Green, await send.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.Equal("rgb(255, 255, 255)", await send.EvaluateAsync<string>("e => getComputedStyle(e).color"));
        Assert.Equal("1", await send.EvaluateAsync<string>("e => getComputedStyle(e).opacity"));

        await send.ClickAsync();
        await Expect(alice.Bubble("ready")).ToBeVisibleAsync();
        await Expect(input).ToHaveValueAsync("");
        await Expect(send).ToBeDisabledAsync();
        // Only spaces: nothing to send.
        await input.FillAsync("   ");
        await Expect(send).ToBeDisabledAsync();
    }

    [Fact]
    public async Task Typed_text_is_in_the_text_colour_and_placeholders_are_lighter()
    {
        await using var server = await TestServer.StartAsync();
        await using var page = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await Expect(page.LoginScreen).ToBeVisibleAsync();
        var user = page.Page.GetByLabel("User name");
        await user.FillAsync("alice");
        Assert.Equal(TextColour, await user.EvaluateAsync<string>("e => getComputedStyle(e).color"));
        Assert.Equal(TextColour, await page.Page.GetByLabel("Password", new() { Exact = true }).EvaluateAsync<string>("e => getComputedStyle(e).color"));
        // The labels above the fields stay soft; a placeholder is lighter than typed text.
        Assert.NotEqual(TextColour, await page.Page.Locator(".login label").First.EvaluateAsync<string>("e => getComputedStyle(e).color"));
        foreach (var field in new[] { "#search", "#composer-input", "#create-room-name", "#create-room-topic" })
            Assert.Equal(TextColour, await page.Page.Locator(field).EvaluateAsync<string>("e => getComputedStyle(e).color"));
        // Chromium's getComputedStyle ignores '::placeholder', so read the rule every placeholder gets:
        // a grey clearly lighter than the text.
        var placeholder = await page.Page.EvaluateAsync<string>("""
            () => {
              for (const sheet of document.styleSheets)
                for (const rule of sheet.cssRules)
                  if (rule.selectorText === '::placeholder') {
                    const probe = document.createElement('span');
                    probe.style.color = rule.style.color;
                    document.body.append(probe);
                    const colour = getComputedStyle(probe).color;
                    probe.remove();
                    return colour;
                  }
              return null;
            }
            """);
        Assert.NotNull(placeholder);
        var channels = placeholder!.TrimStart('r', 'g', 'b', '(').TrimEnd(')').Split(',').Select(c => int.Parse(c.Trim())).ToArray();
        Assert.True(channels.All(c => c >= 0x80), $"placeholder {placeholder} is not light");
    }

    [Fact]
    public async Task The_conversation_list_keeps_its_order_and_times_across_a_reload()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var dave = await server.RegisterAsync("dave");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        var names = alice.Page.Locator("#conversations .conv .conv-name");
        var times = alice.Page.Locator("#conversations .conv .conv-time");

        await bob.OkAsync("send", new { to = "alice", text = "hi alice" });
        await Expect(names).ToHaveTextAsync(["bob", "lobby"]);
        await dave.OkAsync("send", new { room = "lobby", text = "lunch?" });
        await Expect(names).ToHaveTextAsync(["lobby", "bob"]);
        // A room with no message yet.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Create or join a room" }).First.ClickAsync();
        await alice.Page.GetByLabel("New room name").FillAsync("zebra");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("zebra (1)");
        // Activity in the older conversation moves it to the top.
        await bob.OkAsync("send", new { to = "alice", text = "again" });
        await Expect(alice.Conversation("d:bob").Locator(".conv-preview")).ToHaveTextAsync("again");
        await Expect(names.First).ToHaveTextAsync("bob");
        var before = (Names: await names.AllInnerTextsAsync(), Times: await times.AllInnerTextsAsync());
        Assert.Equal(3, before.Names.Count);
        Assert.All(before.Times.Take(2), t => Assert.Matches(@"^\d\d:\d\d$", t));

        await alice.Page.ReloadAsync();
        await Expect(alice.App).ToBeVisibleAsync();
        await Expect(names).ToHaveTextAsync([.. before.Names]);
        await Expect(times).ToHaveTextAsync([.. before.Times]);
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task An_over_long_text_is_refused_with_both_lengths_and_never_sent()
    {
        // The page learns the server's limit at sign-in (10 here), not from its own copy.
        await using var server = await TestServer.StartAsync(new() { ["Limits:MaxTextChars"] = "10" });
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");
        var input = alice.Page.Locator("#composer-input");
        var error = alice.Page.Locator("#composer-error");

        await input.FillAsync(new string('x', 12));
        await Expect(error).ToHaveTextAsync("messages are at most 10 characters; this one has 12");
        await Expect(alice.Page.Locator("#send")).ToBeDisabledAsync();
        await input.PressAsync("Enter");
        // Nothing cut short either: the whole text stays in the input to be shortened.
        await Expect(input).ToHaveValueAsync(new string('x', 12));

        // Ten emoji are ten characters, as the server counts them.
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 10));
        await input.FillAsync(emoji);
        await Expect(error).ToHaveTextAsync("");
        await input.PressAsync("Enter");
        Assert.Equal(emoji, (await bob.NextAsync("message")).GetProperty("text").GetString());
        Assert.DoesNotContain(bob.Received, m => m.GetProperty("type").GetString() == "message" && m.GetProperty("text").GetString()!.StartsWith('x'));
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Text_of_only_invisible_padding_cannot_be_sent()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        await alice.Page.Locator("#composer-input").FillAsync("\u3000\u200B \u2800");
        await Expect(alice.Page.Locator("#send")).ToBeDisabledAsync();
        await alice.Page.Locator("#composer-input").FillAsync("\u200B.");
        await Expect(alice.Page.Locator("#send")).ToBeEnabledAsync();
    }
}
