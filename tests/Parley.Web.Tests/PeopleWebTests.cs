using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>People in the web page: a DM opened from the member list, with no message yet, stays.</summary>
public sealed class PeopleWebTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_dm_opened_from_the_member_list_stays_across_a_reload_and_on_another_device()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var aliceLaptop = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var bob = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await aliceLaptop.LoginAsync("alice");
        await bob.RegisterAsync("bob");
        await alice.OpenAsync("lobby");

        await alice.MessageMemberAsync("bob");
        await Expect(alice.ChatTitle).ToHaveTextAsync("bob");
        // Her other device lists it at once, and a reload keeps it: nobody has written in it.
        await Expect(aliceLaptop.Conversation("d:bob")).ToBeVisibleAsync();
        await alice.Page.ReloadAsync();
        await Expect(alice.Conversation("d:bob")).ToBeVisibleAsync();
        await Expect(alice.Conversation("d:bob").Locator(".badge")).ToHaveCountAsync(0);
        // Only hers: bob's list has no DM until a message.
        await Expect(bob.Conversation("d:alice")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Blocking_from_a_dm_header_refuses_the_dms_and_folds_the_room_messages_until_unblocked()
    {
        await using var server = await TestServer.StartAsync();
        await using var eve = await server.RegisterAsync("eve");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var aliceLaptop = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await aliceLaptop.LoginAsync("alice");
        await alice.OpenAsync("lobby");
        await alice.MessageMemberAsync("eve");
        await Expect(alice.ChatTitle).ToHaveTextAsync("eve");

        var block = alice.Page.Locator("#block-toggle");
        await block.ClickAsync();
        await Expect(block).ToHaveTextAsync("Unblock");
        Assert.Equal("blocked", await eve.ErrorAsync("send", new { to = "alice", text = "psst" }));

        // Her room messages fold to one line, here and on the other device (told by the block event), until clicked.
        await eve.OkAsync("send", new { room = "lobby", text = "buy my stuff" });
        await alice.OpenAsync("lobby");
        await aliceLaptop.OpenAsync("lobby");
        foreach (var user in new[] { alice, aliceLaptop })
        {
            await Expect(user.Page.Locator(".msg-collapsed")).ToHaveTextAsync("Message from eve hidden (blocked) — show");
            await Expect(user.Bubble("buy my stuff")).ToHaveCountAsync(0);
        }
        await alice.Page.Locator(".msg-collapsed").ClickAsync();
        await Expect(alice.Bubble("buy my stuff")).ToBeVisibleAsync();

        // A reload keeps the block (the sign-in reply's list); unblocking shows her messages again.
        await aliceLaptop.Page.ReloadAsync();
        await aliceLaptop.OpenAsync("lobby");
        await Expect(aliceLaptop.Page.Locator(".msg-collapsed")).ToHaveCountAsync(1);
        await aliceLaptop.OpenAsync("@eve");
        await aliceLaptop.Page.Locator("#block-toggle").ClickAsync();
        await Expect(aliceLaptop.Page.Locator("#block-toggle")).ToHaveTextAsync("Block");
        await aliceLaptop.OpenAsync("lobby");
        await Expect(aliceLaptop.Bubble("buy my stuff")).ToBeVisibleAsync();
        await eve.OkAsync("send", new { to = "alice", text = "sorry" });
    }

    [Fact]
    public async Task Searching_finds_people_in_the_directory_and_a_click_starts_a_dm()
    {
        await using var server = await TestServer.StartAsync();
        await using (var bob = await server.RegisterAsync("Bobby"))
            await bob.OkAsync("profile", new { display = "Bob B.", status = "building" });
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");

        await alice.Page.Locator("#search").FillAsync("BOB");
        var found = alice.Page.Locator(".person[data-user=\"Bobby\"]");
        await Expect(found.Locator(".conv-name")).ToHaveTextAsync("Bob B.");
        await Expect(found.Locator(".conv-preview")).ToHaveTextAsync("@Bobby · offline · building");
        await alice.Page.Locator("#search").FillAsync("bobx");
        await Expect(found).ToHaveCountAsync(0);
        await alice.Page.Locator("#search").FillAsync("bo");
        await found.ClickAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("Bobby");
        // Now a conversation, no longer a directory match; kept across a reload.
        await Expect(alice.Conversation("d:bobby")).ToBeVisibleAsync();
        await Expect(found).ToHaveCountAsync(0);
        await alice.Page.ReloadAsync();
        await Expect(alice.Conversation("d:bobby")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_room_bubble_shows_the_senders_display_name_and_follows_its_changes()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await bob.OkAsync("profile", new { display = "Bob B." });
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        await bob.OkAsync("send", new { room = "lobby", text = "hi all" });
        var from = alice.Page.Locator("#messages .msg.theirs .msg-from");
        // The display name, and the login name beside it: anyone may call themselves "Bob B.".
        await Expect(from).ToHaveTextAsync("Bob B. @bob");
        await Expect(from).ToHaveAttributeAsync("title", "bob");
        await bob.OkAsync("profile", new { display = "Robert 李" });
        await Expect(from).ToHaveTextAsync("Robert 李 @bob");
        await bob.OkAsync("profile", new { display = "" });
        await Expect(from).ToHaveTextAsync("bob");
    }
}
