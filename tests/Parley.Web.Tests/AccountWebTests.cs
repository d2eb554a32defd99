using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>The user's own account from the page (issue 30): profile, password, sign out everywhere, delete.</summary>
public sealed class AccountWebTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static ILocator Account(WebUser user) => user.Page.Locator("#account-dialog");

    private static async Task OpenAccountAsync(WebUser user)
    {
        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Your account" }).ClickAsync();
        await Expect(Account(user)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_profile_and_the_password_change_from_the_page_and_other_devices_are_signed_out()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await using var laptop = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await laptop.LoginAsync("alice");

        await OpenAccountAsync(alice);
        await Account(alice).GetByLabel("Display name").FillAsync("Alice Liddell");
        await Account(alice).GetByLabel("Status").FillAsync("down the hole");
        await Account(alice).GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(Account(alice).Locator("#account-message")).ToHaveTextAsync("Profile saved");
        var profile = await bob.OkAsync("profile", new { user = "alice" });
        Assert.Equal(("Alice Liddell", "down the hole"), (profile.GetProperty("display").GetString(), profile.GetProperty("status").GetString()));

        await Account(alice).GetByLabel("Current password").FillAsync("wrong-password");
        await Account(alice).GetByLabel("New password", new() { Exact = true }).FillAsync("looking-glass");
        await Account(alice).GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(Account(alice).Locator("#account-error")).Not.ToBeEmptyAsync();
        await Account(alice).GetByLabel("Current password").FillAsync("password1");
        await Account(alice).GetByLabel("New password", new() { Exact = true }).FillAsync("looking-glass");
        await Account(alice).GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(Account(alice).Locator("#account-message")).ToHaveTextAsync("Password changed; your other devices are signed out");
        // The laptop is signed out; this page stays in, and after a reload too (its new token).
        await Expect(laptop.LoginScreen).ToBeVisibleAsync();
        await alice.Page.ReloadAsync();
        await Expect(alice.App).ToBeVisibleAsync();
        await using var check = await server.ConnectAsync();
        await check.OkAsync("login", new { user = "alice", password = "looking-glass" });

        await OpenAccountAsync(alice);
        await Expect(Account(alice).GetByLabel("Display name")).ToHaveValueAsync("Alice Liddell");
        await Account(alice).GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere" }).ClickAsync();
        await Expect(alice.LoginScreen).ToBeVisibleAsync();
        await check.NextAsync("bye");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Deleting_the_account_asks_for_the_password_and_signs_out()
    {
        await using var server = await TestServer.StartAsync();
        await using var zed = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await zed.RegisterAsync("zed");
        await OpenAccountAsync(zed);
        await Account(zed).GetByRole(AriaRole.Button, new() { Name = "Delete account…" }).ClickAsync();
        await Account(zed).GetByLabel("Password to confirm").FillAsync("password1");
        await Account(zed).GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Expect(zed.LoginScreen).ToBeVisibleAsync();
        await using var check = await server.ConnectAsync();
        Assert.Equal("bad_credentials", await check.ErrorAsync("login", new { user = "zed", password = "password1" }));
        Assert.Empty(zed.Errors);
    }
}
