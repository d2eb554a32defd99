using System.Text.Json;
using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>
/// The member panel of a room of thousands (issue 36 item 4): a virtual list of a few rows, pages
/// fetched as it scrolls, a server-side search, natural order, and presence of the people shown
/// through <c>watch</c> in a large room, which sends no room presence.
/// </summary>
public sealed class MemberPanelTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const int Members = 2000;

    // Pages of 200, so 2,000 members take ten; rooms above 100 members are large (no join, leave
    // or room presence events for web sessions: presence only through watch).
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Limits:MembersPageMax"] = "200",
        ["Limits:LargeRoomMembers"] = "100",
    };

    private const string CountNodes = """
        () => {
          const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
          let nodes = 0;
          while (walker.nextNode()) nodes++;
          return [nodes, document.getElementsByTagName('*').length];
        }
        """;

    /// <summary>Registers u_1 .. u_<paramref name="count"/> (members of lobby, offline) over several TCP connections at once.</summary>
    private static async Task SeedAsync(TestServer server, int count, int connections = 8)
    {
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            await using var client = await server.ConnectAsync();
            for (var i = 1 + c; i <= count; i += connections)
            {
                await client.OkAsync("register", new { user = $"u_{i}", password = "password1" });
                await client.OkAsync("logout");
            }
        }));
    }

    private async Task<TestServer> StartSeededAsync(Dictionary<string, string?>? overrides = null)
    {
        var started = DateTime.UtcNow;
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in overrides ?? [])
            settings[key] = value;
        var server = await TestServer.StartAsync(settings);
        await SeedAsync(server, Members);
        output.WriteLine($"{Members} members registered in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        return server;
    }

    private static ILocator Names(WebUser user) => user.Page.Locator("#member-list .member-name");

    private static Task ScrollMembersAsync(WebUser user, string to) =>
        user.Page.Locator("#member-scroll").EvaluateAsync($"el => {{ el.scrollTop = {to}; }}");

    private async Task AssertFewNodesAsync(WebUser user, string when)
    {
        var counts = await user.Page.EvaluateAsync<int[]>(CountNodes);
        var rows = await user.Page.Locator("#member-list .member").CountAsync();
        output.WriteLine($"{when}: {rows} member rows, {counts[0]} DOM nodes ({counts[1]} elements)");
        Assert.InRange(rows, 1, 99);
        Assert.True(counts[0] < 1000, $"{counts[0]} DOM nodes in the page {when}");
    }

    [Fact]
    public async Task A_room_of_2000_has_few_rows_in_the_page_in_natural_order_and_loads_pages_as_it_scrolls()
    {
        await using var server = await StartSeededAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        await Expect(alice.Page.Locator("#members-title")).ToHaveTextAsync($"Members ({Members + 1})");
        // Online first (alice), then u_2 before u_10.
        await Expect(Names(alice).First).ToHaveTextAsync("alice");
        var firstNames = await Names(alice).AllTextContentsAsync();
        Assert.Equal(["alice", "u_1", "u_2", "u_3", "u_4", "u_5", "u_6", "u_7", "u_8", "u_9", "u_10", "u_11"], firstNames.Take(12));
        await AssertFewNodesAsync(alice, "with the first page");
        await Screenshots.SaveAsync(alice.Page, "members-large.png");
        var spacer = alice.Page.Locator("#member-spacer");
        var firstHeight = await spacer.EvaluateAsync<double>("el => el.offsetHeight");
        Assert.Equal(200 * 46, firstHeight);

        // Scrolling to the end of what is loaded fetches the next page, until the last member.
        await Until.TrueAsync(async () =>
        {
            await ScrollMembersAsync(alice, "el.scrollHeight");
            return await alice.Member($"u_{Members}").IsVisibleAsync();
        }, "the last member is shown", TimeSpan.FromSeconds(30));
        Assert.Equal((Members + 1) * 46, await spacer.EvaluateAsync<double>("el => el.offsetHeight"));
        // Rows are reused as the list scrolls: read them once the last scroll's rendering settled.
        string[] expectedLast = ["u_1997", "u_1998", "u_1999", "u_2000"];
        IReadOnlyList<string> lastNames = [];
        await Until.TrueAsync(async () =>
        {
            lastNames = await Names(alice).AllTextContentsAsync();
            return lastNames.TakeLast(4).SequenceEqual(expectedLast);
        }, "the last rows are the last members, in order");
        Assert.Equal(expectedLast, lastNames.TakeLast(4));
        await AssertFewNodesAsync(alice, "with every page");

        // Back to the top, and into the middle: the rows are reused, in order.
        await ScrollMembersAsync(alice, "0");
        await Expect(Names(alice).First).ToHaveTextAsync("alice");
        await ScrollMembersAsync(alice, $"{1000 * 46}");
        await Expect(alice.Member("u_1000")).ToBeVisibleAsync();
        var middle = (await Names(alice).AllTextContentsAsync()).ToList();
        var at = middle.IndexOf("u_1000");
        Assert.Equal(["u_999", "u_1000", "u_1001"], middle.Skip(at - 1).Take(3));
        await AssertFewNodesAsync(alice, "scrolled to the middle");

        // A row still opens a direct conversation, through the member's card.
        await alice.MessageMemberAsync("u_1000");
        await Expect(alice.ChatTitle).ToHaveTextAsync("u_1000");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Searching_asks_the_server_for_names_containing_the_text_ignoring_case()
    {
        await using var server = await StartSeededAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");
        await Expect(Names(alice).First).ToHaveTextAsync("alice");
        var search = alice.Page.GetByLabel("Search members");
        var status = alice.Page.Locator("#members-status");

        // "U_19": u_19, u_190..u_199, u_1900..u_1999, in natural order.
        await search.FillAsync("U_19");
        await Expect(status).ToHaveTextAsync("111 found");
        await Expect(Names(alice).First).ToHaveTextAsync("u_19");
        var found = await Names(alice).AllTextContentsAsync();
        Assert.Equal(["u_19", "u_190", "u_191", "u_192"], found.Take(4));
        await Screenshots.SaveAsync(alice.Page, "members-search.png");

        // Any part of a name; the results come a page at a time as well (1,111 match "_1").
        await search.FillAsync("_1");
        await Expect(status).ToHaveTextAsync("1111 found");
        await Until.TrueAsync(async () =>
        {
            await ScrollMembersAsync(alice, "el.scrollHeight");
            return await alice.Member("u_1999").IsVisibleAsync();
        }, "the last match is shown", TimeSpan.FromSeconds(30));
        await AssertFewNodesAsync(alice, "with every page of a search");

        await search.FillAsync("nobody-here");
        await Expect(status).ToHaveTextAsync("No member's name contains “nobody-here”");
        await Expect(Names(alice)).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(alice.Page, "members-search-none.png");

        await search.FillAsync("1999");
        await Expect(Names(alice)).ToHaveTextAsync(["u_1999"]);

        // Clearing the box brings the whole list back at once.
        await search.FillAsync("");
        await Expect(status).ToBeHiddenAsync();
        await Expect(Names(alice).First).ToHaveTextAsync("alice");
        await Expect(alice.Page.Locator("#members-title")).ToHaveTextAsync($"Members ({Members + 1})");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task A_shown_member_s_dot_follows_their_presence_through_watch_in_a_large_room()
    {
        await using var server = await StartSeededAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        var u5 = await server.ConnectAsync();
        await u5.OkAsync("login", new { user = "u_5", password = "password1" });
        await alice.OpenAsync("lobby");

        var dot = alice.Member("u_5").Locator(".dot");
        await Expect(Names(alice).Nth(1)).ToHaveTextAsync("u_5");
        await Expect(dot).ToHaveClassAsync("dot online");
        // The rows on screen are watched (the room is too large for room presence).
        await Until.TrueAsync(
            () => Watches(alice).Any(w => w.Contains("u_5") && w.Contains("u_20")),
            "the page watches the members it shows");
        Assert.All(Watches(alice), w => Assert.InRange(w.Count, 1, 100));

        // Offline: the dot greys and the row moves among the offline members, still in view.
        await u5.DisposeAsync();
        await Expect(dot).ToHaveClassAsync("dot");
        await Expect(Names(alice).Nth(0)).ToHaveTextAsync("alice");
        var names = await Names(alice).AllTextContentsAsync();
        Assert.Equal(["alice", "u_1", "u_2", "u_3", "u_4", "u_5", "u_6"], names.Take(7));

        var again = await server.ConnectAsync();
        await again.OkAsync("login", new { user = "u_5", password = "password1" });
        await Expect(dot).ToHaveClassAsync("dot online");
        await Expect(Names(alice).Nth(1)).ToHaveTextAsync("u_5");
        Assert.True(
            alice.ReceivedFrames().Any(f => f.Contains("\"large\":true")),
            "the server marks the lobby large, so room presence is not what moved the dot");

        // The partner of the open direct conversation is watched too (the panel is closed there).
        await alice.MessageMemberAsync("u_5");
        await Expect(alice.ChatTitle).ToHaveTextAsync("u_5");
        await Expect(alice.Page.Locator("#chat-subtitle")).ToHaveTextAsync("online");
        await Until.TrueAsync(
            () => Watches(alice) is [.., var last] && last.SequenceEqual(["u_5"]),
            "the page watches only its direct partner");
        await again.DisposeAsync();
        await Expect(alice.Page.Locator("#chat-subtitle")).ToHaveTextAsync("offline");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task A_large_room_s_count_follows_members_count_and_stays_right_when_it_shrinks_below_the_limit()
    {
        // Above 5 members a room is large: no join or leave events, a members_count a second at most.
        await using var server = await TestServer.StartAsync(new() { ["Limits:LargeRoomMembers"] = "5" });
        var members = new List<LineClient>();
        try
        {
            for (var i = 1; i <= 7; i++)
            {
                var member = await server.RegisterAsync($"m_{i}");
                members.Add(member);
                await member.OkAsync(i == 1 ? "create" : "join", new { room = "crowd" });
            }
            await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
            await alice.RegisterAsync("alice");
            await alice.Page.Locator("#rail-rooms").ClickAsync();
            await alice.Page.Locator(".room-row", new() { HasText = "crowd" }).GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
            await Expect(alice.ChatTitle).ToHaveTextAsync("crowd (8)");

            var late = await server.RegisterAsync("m_8");
            members.Add(late);
            await late.OkAsync("join", new { room = "crowd" });
            await Expect(alice.ChatTitle).ToHaveTextAsync("crowd (9)");
            await Expect(alice.Page.Locator("#members-title")).ToHaveTextAsync("Members (9)");

            // Six leave at once: the room stops being large on the way, and its joins and leaves
            // come again, counted from the server's figure rather than the last one announced.
            await Task.WhenAll(members.Take(6).Select(m => m.OkAsync("leave", new { room = "crowd" })));
            await Expect(alice.ChatTitle).ToHaveTextAsync("crowd (3)");
            await Expect(Names(alice)).ToHaveTextAsync(["alice", "m_7", "m_8"]);
            await members[6].OkAsync("leave", new { room = "crowd" });
            await Expect(alice.ChatTitle).ToHaveTextAsync("crowd (2)");
            await Expect(Names(alice)).ToHaveTextAsync(["alice", "m_8"]);
            Assert.Empty(alice.Errors);
        }
        finally
        {
            foreach (var member in members)
                await member.DisposeAsync();
        }
    }

    /// <summary>The user lists of the <c>watch</c> requests the page has sent, oldest first.</summary>
    private static List<List<string>> Watches(WebUser user) =>
        user.SentFrames()
            .Select(frame => JsonDocument.Parse(frame).RootElement)
            .Where(frame => frame.TryGetProperty("type", out var type) && type.GetString() == "watch")
            .Select(frame => frame.GetProperty("users").EnumerateArray().Select(u => u.GetString()!).ToList())
            .ToList();

    [Fact]
    public async Task Every_other_member_joining_and_leaving_a_room_keeps_the_page_small_and_alive()
    {
        // Not a large room, however many join: the page gets every join, leave and presence event,
        // the most a page can be sent.
        await using var server = await StartSeededAsync(new() { ["Limits:LargeRoomMembers"] = "100000" });
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.Page.EvaluateAsync("""
            () => {
              window.longTasks = [];
              new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e.duration); })
                .observe({ type: 'longtask', buffered: false });
            }
            """);
        await using (var owner = await server.ConnectAsync())
        {
            await owner.OkAsync("login", new { user = "u_1", password = "password1" });
            await owner.OkAsync("create", new { room = "crowd" });
            await owner.OkAsync("logout");
        }
        await alice.Page.Locator("#rail-rooms").ClickAsync();
        await alice.Page.Locator(".room-row", new() { HasText = "crowd" }).GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("crowd (2)");
        await Expect(Names(alice)).ToHaveCountAsync(2);

        // Everyone else signs in, joins crowd and signs out; then signs in, leaves and signs out.
        var started = DateTime.UtcNow;
        await EachMemberAsync(server, 2, async (client, user) =>
        {
            await client.OkAsync("login", new { user, password = "password1" });
            await client.OkAsync("join", new { room = "crowd" });
            await client.OkAsync("logout");
        });
        output.WriteLine($"{Members - 1} joined in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        await Expect(alice.ChatTitle).ToHaveTextAsync($"crowd ({Members + 1})", new() { Timeout = 30_000 });
        await AssertFewNodesAsync(alice, "after everyone joined");
        started = DateTime.UtcNow;
        await EachMemberAsync(server, 2, async (client, user) =>
        {
            await client.OkAsync("login", new { user, password = "password1" });
            await client.OkAsync("leave", new { room = "crowd" });
            await client.OkAsync("logout");
        });
        output.WriteLine($"{Members - 1} left in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        await Expect(alice.ChatTitle).ToHaveTextAsync("crowd (2)", new() { Timeout = 30_000 });
        await Expect(Names(alice)).ToHaveTextAsync(["alice", "u_1"]);
        await AssertFewNodesAsync(alice, "after everyone left");

        // Measured, not asserted: how long the page's main thread was ever busy at once.
        var longTasks = await alice.Page.EvaluateAsync<double[]>("() => window.longTasks");
        output.WriteLine($"long tasks (> 50 ms) during the churn: {longTasks.Length}, longest {(longTasks.Length == 0 ? 0 : longTasks.Max()):F0} ms");
        Assert.Empty(alice.Errors);
    }

    /// <summary>Runs <paramref name="step"/> for u_<paramref name="from"/> .. u_<see cref="Members"/>, over 8 connections at once.</summary>
    private static Task EachMemberAsync(TestServer server, int from, Func<LineClient, string, Task> step, int connections = 8) =>
        Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            await using var client = await server.ConnectAsync();
            for (var i = from + c; i <= Members; i += connections)
                await step(client, $"u_{i}");
        }));
}
