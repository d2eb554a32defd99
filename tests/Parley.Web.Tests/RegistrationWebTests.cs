using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>Creating an account from the page on a server that registers by invitation (Registration: invite).</summary>
public sealed class RegistrationWebTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_page_asks_for_an_invitation_code_and_an_invitation_link_fills_it_in()
    {
        await using var server = await TestServer.StartAsync(new() { ["Registration"] = "invite" });
        await using var admin = await AdminSocketLineClient.ConnectAsync(server.DataDirectory);
        var code = (await admin.OkAsync("admin.invite", new { uses = 2 })).GetProperty("code").GetString()!;

        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        var page = alice.Page;
        await Expect(page.GetByLabel("Invitation code")).ToBeHiddenAsync();
        await page.GetByLabel("User name").FillAsync("alice");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("password1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account", Exact = true }).ClickAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("invitation code");
        await page.GetByLabel("Invitation code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account", Exact = true }).ClickAsync();
        await Expect(alice.App).ToBeVisibleAsync();

        await using var bob = await WebUser.OpenAsync(browser.Browser, new Uri(server.HttpUri, $"?invite={code}"));
        await Expect(bob.Page.GetByLabel("Invitation code")).ToHaveValueAsync(code);
        await bob.RegisterAsync("bob");
        Assert.DoesNotContain("invite", bob.Page.Url);
    }
}
