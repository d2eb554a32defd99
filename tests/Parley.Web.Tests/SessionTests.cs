using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>Signing in, staying signed in across a reload, logging out, and managing rooms.</summary>
public sealed class SessionTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_session_survives_a_reload_and_logout_ends_it_on_the_server()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        var token = await alice.TokenAsync();
        Assert.False(string.IsNullOrEmpty(token));
        Assert.DoesNotContain(token!, alice.Page.Url);

        await alice.Page.ReloadAsync();
        await Expect(alice.App).ToBeVisibleAsync();
        await Expect(alice.LoginScreen).ToBeHiddenAsync();
        await Expect(alice.Conversation("r:lobby")).ToBeVisibleAsync();

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(alice.LoginScreen).ToBeVisibleAsync();
        Assert.Null(await alice.TokenAsync());
        await using var thief = await server.ConnectAsync();
        Assert.Equal("bad_token", await thief.ErrorAsync("resume", new { token }));

        await alice.Page.ReloadAsync();
        await Expect(alice.LoginScreen).ToBeVisibleAsync();
        await alice.LoginAsync("alice");
        await Expect(alice.Conversation("r:lobby")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        await using var server = await TestServer.StartAsync();
        await using (var _ = await server.RegisterAsync("alice"))
        {
        }
        await using var page = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await page.Page.GetByLabel("User name").FillAsync("alice");
        await page.Page.GetByLabel("Password", new() { Exact = true }).FillAsync("not-the-password");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Page.Locator("#login-error")).ToHaveTextAsync("wrong user name or password");
        await Expect(page.App).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Rooms_are_created_and_joined_from_the_dialog_and_the_list_filters_by_search()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var bob = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Create or join a room" }).First.ClickAsync();
        await alice.Page.GetByLabel("New room name").FillAsync("design");
        await alice.Page.GetByLabel("Topic").FillAsync("Logos and colours");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("design (1)");
        await Expect(alice.Page.Locator("#chat-subtitle")).ToHaveTextAsync("Logos and colours");

        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Create or join a room" }).First.ClickAsync();
        var row = bob.Page.Locator(".room-row[data-room=\"design\"]");
        await Expect(row.Locator(".room-topic")).ToHaveTextAsync("Logos and colours");
        await row.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Expect(bob.ChatTitle).ToHaveTextAsync("design (2)");
        await Expect(alice.ChatTitle).ToHaveTextAsync("design (2)");
        await Expect(alice.Member("bob")).ToBeVisibleAsync();

        await bob.SendAsync("joined!");
        await Expect(alice.Bubble("joined!")).ToBeVisibleAsync();

        await bob.Page.GetByLabel("Search conversations").FillAsync("des");
        await Expect(bob.Page.Locator(".conv")).ToHaveCountAsync(1);
        await Expect(bob.Conversation("r:design")).ToBeVisibleAsync();
        await bob.Page.GetByLabel("Search conversations").FillAsync("");
        await Expect(bob.Page.Locator(".conv")).ToHaveCountAsync(2);
    }
}
