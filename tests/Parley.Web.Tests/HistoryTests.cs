using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

public sealed class HistoryTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Scrolling_to_the_top_loads_older_history_page_by_page()
    {
        await using var server = await TestServer.StartAsync();
        await using (var seeder = await server.RegisterAsync("seeder"))
        {
            for (var i = 1; i <= 120; i++)
                await seeder.OkAsync("send", new { room = "lobby", text = $"seed {i:000}" });
        }
        var all = Enumerable.Range(1, 120).Select(i => $"seed {i:000}").ToArray();

        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await Expect(alice.Conversation("r:lobby").Locator(".conv-preview")).ToHaveTextAsync("seeder: seed 120");
        await alice.OpenAsync("lobby");

        // The newest page first, scrolled to the bottom.
        await Expect(alice.Bubbles).ToHaveTextAsync(all[70..]);
        await Expect(alice.Bubble("seed 120")).ToBeInViewportAsync();

        var scroller = alice.Page.Locator("#messages-scroll");
        await scroller.EvaluateAsync("e => { e.scrollTop = 0; }");
        await Expect(alice.Bubbles).ToHaveTextAsync(all[20..]);
        // The place is kept: the message that was at the top is still in view.
        await Expect(alice.Bubble("seed 071")).ToBeInViewportAsync();

        await scroller.EvaluateAsync("e => { e.scrollTop = 0; }");
        await Expect(alice.Bubbles).ToHaveTextAsync(all);
        await Expect(alice.Page.Locator("#history-status")).ToHaveAttributeAsync("data-start", "true");
    }
}
