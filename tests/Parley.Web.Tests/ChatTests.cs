using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>Live chat in the browser: rooms, direct messages, unread counts, and user text kept as text.</summary>
public sealed class ChatTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Two_users_in_two_browsers_chat_both_ways_live()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var bob = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");
        await alice.OpenAsync("lobby");
        await bob.OpenAsync("lobby");

        await alice.SendAsync("hello bob");
        await Expect(bob.Bubble("hello bob")).ToBeVisibleAsync();
        await Expect(bob.Page.Locator("#messages .msg.theirs .msg-from")).ToHaveTextAsync("alice");
        await Expect(alice.Page.Locator("#messages .msg.mine .bubble")).ToHaveTextAsync("hello bob");

        await bob.SendAsync("hi alice");
        await Expect(alice.Bubble("hi alice")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#messages .msg.theirs .bubble")).ToHaveTextAsync("hi alice");

        // Shift+Enter makes a new line; Enter sends.
        var input = alice.Page.GetByLabel("Message", new() { Exact = true });
        await input.PressSequentiallyAsync("line one");
        await input.PressAsync("Shift+Enter");
        await input.PressSequentiallyAsync("line two");
        await input.PressAsync("Enter");
        var multiline = bob.Page.Locator("#messages .msg.theirs .bubble").Last;
        await Expect(multiline).ToHaveTextAsync("line one\nline two");
        Assert.Equal("line one\nline two", await multiline.InnerTextAsync());

        await Expect(bob.Bubbles).ToHaveTextAsync(["hello bob", "hi alice", "line one\nline two"]);
        await Expect(alice.Bubbles).ToHaveTextAsync(["hello bob", "hi alice", "line one\nline two"]);
        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
    }

    [Fact]
    public async Task A_member_s_card_opens_a_direct_conversation()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var bob = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");
        await alice.OpenAsync("lobby");

        await Expect(alice.Member("bob").Locator(".dot.online")).ToBeVisibleAsync();
        await alice.Member("bob").ClickAsync();
        await Expect(alice.PersonCard.Locator("#person-name")).ToHaveTextAsync("bob");
        await Expect(alice.PersonCard.Locator("#person-state")).ToHaveTextAsync("online");
        // A plain member of the lobby is offered no moderation.
        await Expect(alice.PersonCard.Locator("#person-actions button")).ToHaveTextAsync(["Message", "Block"]);
        await alice.PersonCard.GetByRole(AriaRole.Button, new() { Name = "Message" }).ClickAsync();
        await Expect(alice.PersonCard).Not.ToBeVisibleAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("bob");
        await Expect(alice.Page.Locator("#chat-subtitle")).ToHaveTextAsync("online");
        await alice.SendAsync("psst, bob");

        await Expect(bob.Badge("d:alice")).ToHaveTextAsync("1");
        await Expect(bob.Conversation("d:alice").Locator(".conv-preview")).ToHaveTextAsync("psst, bob");
        await bob.OpenAsync("@alice");
        await Expect(bob.Bubble("psst, bob")).ToBeVisibleAsync();
        await bob.SendAsync("yes?");
        await Expect(alice.Bubble("yes?")).ToBeVisibleAsync();
        await Expect(alice.Bubbles).ToHaveTextAsync(["psst, bob", "yes?"]);
        // The room saw none of it.
        await alice.OpenAsync("lobby");
        await Expect(alice.Bubbles).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_big_room_s_member_panel_shows_pages_in_natural_order_and_fetches_the_next_by_itself()
    {
        // Pages of 5: the lobby's 12 members come in three, and the panel has room for more than
        // a page, so it asks for the next ones without being told.
        await using var server = await TestServer.StartAsync(new() { ["Limits:MembersPageMax"] = "5" });
        await using (var registrar = await server.ConnectAsync())
        {
            foreach (var i in new[] { 10, 2, 11, 1, 9, 3, 8, 4, 7, 5, 6 })
            {
                await registrar.OkAsync("register", new { user = $"u_{i}", password = "password1" });
                await registrar.OkAsync("logout");
            }
        }
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        var names = alice.Page.Locator("#member-list .member-name");
        await Expect(alice.Page.Locator("#members-title")).ToHaveTextAsync("Members (12)");
        await Expect(names).ToHaveTextAsync(["alice", .. Enumerable.Range(1, 11).Select(i => $"u_{i}")]);
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Unread_badge_and_title_rise_and_clear_on_every_device_of_the_reader()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var bobLaptop = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var bobPhone = await WebUser.OpenAsync(browser.Browser, server.HttpUri, Viewports.Phone);
        await alice.RegisterAsync("alice");
        await bobLaptop.RegisterAsync("bob");
        await bobPhone.LoginAsync("bob");
        await alice.OpenAsync("lobby");

        await alice.SendAsync("one");
        await Expect(bobLaptop.Badge("r:lobby")).ToHaveTextAsync("1");
        await alice.SendAsync("two");
        foreach (var bob in new[] { bobLaptop, bobPhone })
        {
            await Expect(bob.Badge("r:lobby")).ToHaveTextAsync("2");
            await Expect(bob.Page).ToHaveTitleAsync("(2) Parley");
        }

        // Reading on the laptop clears the count there, on the server, and on the phone.
        await bobLaptop.OpenAsync("lobby");
        await Expect(bobLaptop.Bubbles).ToHaveTextAsync(["one", "two"]);
        foreach (var bob in new[] { bobLaptop, bobPhone })
        {
            await Expect(bob.Badge("r:lobby")).ToHaveCountAsync(0);
            await Expect(bob.Page).ToHaveTitleAsync("Parley");
        }
        await bobPhone.Page.ReloadAsync();
        await Expect(bobPhone.Conversation("r:lobby")).ToBeVisibleAsync();
        await Expect(bobPhone.Badge("r:lobby")).ToHaveCountAsync(0);

        // While the laptop has the room open, new messages there are read at once.
        await alice.SendAsync("three");
        await Expect(bobLaptop.Bubble("three")).ToBeVisibleAsync();
        await Expect(bobLaptop.Badge("r:lobby")).ToHaveCountAsync(0);
        await Expect(bobPhone.Conversation("r:lobby").Locator(".conv-preview")).ToHaveTextAsync("alice: three");
        await Expect(bobPhone.Badge("r:lobby")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Markup_in_a_message_is_shown_as_text_and_never_runs()
    {
        const string attack = "<img src=x onerror=alert(1)>";
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var bob = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");
        await alice.OpenAsync("lobby");

        await alice.SendAsync(attack);
        await alice.SendAsync("<script>alert(2)</script><b>bold?</b>");
        await Expect(bob.Badge("r:lobby")).ToHaveTextAsync("2");
        await bob.OpenAsync("lobby");
        await Expect(bob.Bubbles).ToHaveTextAsync([attack, "<script>alert(2)</script><b>bold?</b>"]);
        await Expect(alice.Bubbles).ToHaveTextAsync([attack, "<script>alert(2)</script><b>bold?</b>"]);

        foreach (var user in new[] { alice, bob })
        {
            await Expect(user.Page.Locator("#messages img, #messages script, #messages b")).ToHaveCountAsync(0);
            await Expect(user.Page.Locator("#conversations img, #conversations b")).ToHaveCountAsync(0);
            Assert.Empty(user.Dialogs);
            Assert.Empty(user.Errors);
        }
        await Expect(bob.Conversation("r:lobby").Locator(".conv-preview")).ToHaveTextAsync("alice: <script>alert(2)</script><b>bold?</b>");
    }

    [Fact]
    public async Task A_web_user_and_a_tcp_user_in_the_same_room_see_each_others_messages()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");
        await using var carol = await server.RegisterAsync("carol");

        await carol.OkAsync("send", new { room = "lobby", text = "hello from a terminal" });
        await Expect(alice.Bubble("hello from a terminal")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#messages .msg.theirs .msg-from")).ToHaveTextAsync("carol");

        await alice.SendAsync("hello from a browser");
        var message = await carol.NextAsync("message", m => m.GetProperty("text").GetString() == "hello from a browser");
        Assert.Equal("alice", message.GetProperty("from").GetString());
        Assert.Equal("lobby", message.GetProperty("room").GetString());
        await Expect(alice.Bubbles).ToHaveTextAsync(["hello from a terminal", "hello from a browser"]);
    }

    [Fact]
    public async Task A_kicked_member_leaves_the_member_list_and_a_kicked_user_loses_the_room()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await using var owner = await server.RegisterAsync("owner");
        await owner.OkAsync("create", new { room = "team" });
        await using var bob = await server.RegisterAsync("bob");
        await bob.OkAsync("join", new { room = "team" });
        await using (var aliceElsewhere = await server.ConnectAsync())
        {
            await aliceElsewhere.OkAsync("login", new { user = "alice", password = "password1" });
            await aliceElsewhere.OkAsync("join", new { room = "team" });
        }
        await alice.OpenAsync("team");
        await Expect(alice.Member("bob")).ToBeVisibleAsync();

        // Kicking is IRC's today (the native protocol gets it with the moderation issue).
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "owner");
        await irc.SendAsync("KICK #team bob :off topic");
        await Expect(alice.Member("bob")).ToHaveCountAsync(0);
        await Expect(alice.Member("owner")).ToBeVisibleAsync();

        await irc.SendAsync("KICK #team alice");
        await Expect(alice.Conversation("r:team")).ToHaveCountAsync(0);
        await Expect(alice.Conversation("r:lobby")).ToBeVisibleAsync();
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task An_operators_announcement_shows_in_the_banner_until_dismissed()
    {
        await using var server = await TestServer.StartAsync(new() { ["IrcOperators:admin"] = "s3cret-oper" });
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await using (var opNative = await server.RegisterAsync("op"))
        {
        }
        await using var op = await IrcClient.SignInAsync(server.IrcPort, "op");
        await op.SendAsync("OPER admin s3cret-oper");
        await op.NumericAsync("381");

        await op.SendAsync("WALLOPS :restart at noon");
        var banner = alice.Page.Locator("#banner");
        await Expect(banner).ToContainTextAsync("Announcement from op: restart at noon");
        await banner.ClickAsync();
        await Expect(banner).ToBeHiddenAsync();
    }
}
