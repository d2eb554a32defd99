using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>Searching messages from the conversation list's search box, and jumping to a hit.</summary>
public sealed class SearchWebTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_search_box_finds_messages_with_the_match_marked_and_a_click_scrolls_back_to_an_old_one_and_flashes_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await bob.OkAsync("create", new { room = "design", topic = "Logo and colours" });
        await bob.OkAsync("send", new { room = "design", text = "First sketches of the new logo are in the shared folder" });
        await bob.OkAsync("send", new { room = "design", text = "明天的会议改到下午三点，你好世界" });
        // Far more than one page of history after it: opening the hit must load back to it.
        for (var i = 0; i < 150; i++)
            await bob.OkAsync("send", new { room = "design", text = $"filler line {i}" });
        await bob.OkAsync("send", new { room = "lobby", text = "The 会议 notes are in the wiki" });
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri, Viewports.Desktop);
        await alice.RegisterAsync("alice");
        await bob.OkAsync("invite", new { room = "design", user = "alice" });
        await Expect(alice.Conversation("r:design")).ToBeVisibleAsync();
        await bob.OkAsync("send", new { to = "alice", text = "Did you see the 会议 change?" });
        await bob.OkAsync("send", new { room = "design", text = "Logo v2: rounder letters, same green" });
        await bob.OkAsync("send", new { to = "alice", text = "Can you review the logo before Friday?" });

        await alice.Page.Locator("#search").FillAsync("会议");
        var hits = alice.Page.Locator("#conversations .hit");
        await Expect(hits).ToHaveCountAsync(3);
        await Expect(hits.Nth(0).Locator(".conv-name")).ToHaveTextAsync("@bob");
        await Expect(hits.Nth(1).Locator(".conv-name")).ToHaveTextAsync("#lobby");
        await Expect(hits.Nth(2).Locator(".conv-name")).ToHaveTextAsync("#design");
        await Expect(hits.Nth(2).Locator(".hit-text")).ToHaveTextAsync("bob: 明天的会议改到下午三点，你好世界");
        await Expect(hits.Nth(2).Locator("mark")).ToHaveTextAsync("会议");
        await Expect(hits.Nth(1).Locator("mark")).ToHaveTextAsync("会议");

        await hits.Nth(2).ClickAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("design (2)");
        var found = alice.Page.Locator("#messages .msg.flash");
        await Expect(found.Locator(".bubble")).ToHaveTextAsync("明天的会议改到下午三点，你好世界");
        await Expect(found).ToBeInViewportAsync();

        // Latin text is found ignoring case; nothing found says so.
        await alice.Page.Locator("#search").FillAsync("FILLER LINE 149");
        await Expect(hits).ToHaveCountAsync(1);
        await Expect(hits.Locator("mark")).ToHaveTextAsync("filler line 149");
        await alice.Page.Locator("#search").FillAsync("nothing like this");
        await Expect(alice.Page.Locator("#conversations .conv-note")).ToHaveTextAsync("No messages found");

        // The picture for docs/: Latin text, as this machine's browser has no CJK font.
        await alice.Page.Locator("#search").FillAsync("logo");
        await Expect(hits).ToHaveCountAsync(3);
        await hits.Nth(2).ClickAsync();
        await Expect(found.Locator(".bubble")).ToHaveTextAsync("First sketches of the new logo are in the shared folder");
        await Screenshots.SaveAsync(alice.Page, "search.png", commit: true);
        Assert.Empty(alice.Errors);
    }
}
