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

        await alice.Member("bob").ClickAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("bob");
        // Her other device lists it at once, and a reload keeps it: nobody has written in it.
        await Expect(aliceLaptop.Conversation("d:bob")).ToBeVisibleAsync();
        await alice.Page.ReloadAsync();
        await Expect(alice.Conversation("d:bob")).ToBeVisibleAsync();
        await Expect(alice.Conversation("d:bob").Locator(".badge")).ToHaveCountAsync(0);
        // Only hers: bob's list has no DM until a message.
        await Expect(bob.Conversation("d:alice")).ToHaveCountAsync(0);
    }
}
