using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>
/// The main screen at desktop and phone sizes, with a small realistic conversation. The pictures
/// go to the test output and, as the copies the README shows, to docs/screenshots/.
/// </summary>
public sealed class ScreenshotTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Main_screen_at_desktop_and_phone_sizes()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var carol = await server.RegisterAsync("carol_li");
        await using var dave = await server.RegisterAsync("dave");
        await bob.OkAsync("create", new { room = "design", topic = "Logo, colours and the new landing page" });
        await carol.OkAsync("join", new { room = "design" });

        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await Expect(alice.LoginScreen).ToBeVisibleAsync();
        await SaveAsync(alice.Page, "login.png", commit: false);
        await alice.RegisterAsync("alice");
        await Expect(alice.Page.Locator("#chat-empty")).ToBeVisibleAsync();
        await SaveAsync(alice.Page, "empty.png", commit: false);
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Create or join a room" }).First.ClickAsync();
        await alice.Page.Locator(".room-row[data-room=\"design\"]").GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("design (3)");

        await bob.OkAsync("send", new { room = "design", text = "Morning! The new logo drafts are in the shared folder." });
        await carol.OkAsync("send", new { room = "design", text = "The green one reads best at small sizes.\nThe grey one disappears on dark backgrounds." });
        await alice.SendAsync("Agreed, let's go with green and try it on the landing page.");
        await bob.OkAsync("send", new { room = "design", text = "On it. Screenshot in ten minutes." });
        await alice.SendAsync("Great, thanks!");
        await dave.OkAsync("send", new { room = "lobby", text = "Anyone up for lunch at 12:30?" });
        await carol.OkAsync("send", new { to = "alice", text = "Could you look at my slides before 3?" });

        await Expect(alice.Bubbles).ToHaveCountAsync(5);
        await Expect(alice.Badge("d:carol_li")).ToHaveTextAsync("1");
        await Expect(alice.Badge("r:lobby")).ToHaveTextAsync("1");
        await Expect(alice.Member("carol_li").Locator(".dot.online")).ToBeVisibleAsync();
        // A draft in the input, so the picture shows the Send button ready (the phone's shows it idle).
        await alice.Page.GetByLabel("Message", new() { Exact = true }).FillAsync("I'll check the slides after lunch.");
        await Expect(alice.Page.Locator("#send")).ToBeEnabledAsync();
        await SaveAsync(alice.Page, "desktop.png", commit: true);

        // A room's settings and a member's card, as its owner sees them (issue 30).
        await alice.Page.GetByLabel("Message", new() { Exact = true }).FillAsync("");
        await bob.OkAsync("role", new { room = "design", user = "carol_li", role = "admin" });
        await dave.OkAsync("join", new { room = "design" });
        await bob.OkAsync("mute", new { room = "design", user = "dave", until = "2030-01-01T09:00:00Z" });
        await bob.OkAsync("role", new { room = "design", user = "alice", role = "owner" });
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Room settings" }).ClickAsync();
        await Expect(alice.Page.Locator("#settings-dialog")).ToContainTextAsync("you are an owner");
        await SaveAsync(alice.Page, "room-settings.png", commit: true);
        await alice.Page.Locator("#settings-dialog").GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await alice.Member("bob").ClickAsync();
        await Expect(alice.PersonCard.GetByRole(AriaRole.Button, new() { Name = "Remove admin" })).ToBeVisibleAsync();
        await SaveAsync(alice.Page, "person-card.png", commit: true);
        await alice.PersonCard.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // The phone: the list and the conversation are two screens.
        await using var phone = await WebUser.OpenAsync(browser.Browser, server.HttpUri, Viewports.Phone);
        await phone.LoginAsync("alice");
        await Expect(phone.Conversation("d:carol_li")).ToBeVisibleAsync();
        await Expect(phone.Page.Locator("#chat")).ToBeHiddenAsync();
        await SaveAsync(phone.Page, "phone-list.png", commit: false);

        await phone.OpenAsync("design");
        await Expect(phone.Page.Locator(".sidebar")).ToBeHiddenAsync();
        await Expect(phone.Bubbles).ToHaveCountAsync(5);
        await SaveAsync(phone.Page, "phone.png", commit: true);

        await phone.Page.GetByRole(AriaRole.Button, new() { Name = "Back to conversations" }).ClickAsync();
        await Expect(phone.Page.Locator(".sidebar")).ToBeVisibleAsync();
        await Expect(phone.Page.Locator("#chat")).ToBeHiddenAsync();
        Assert.Empty(alice.Errors);
        Assert.Empty(phone.Errors);
    }

    private static Task SaveAsync(IPage page, string name, bool commit) => Screenshots.SaveAsync(page, name, commit);
}
