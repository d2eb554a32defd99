using System.Text.Json;
using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using SkiaSharp;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>
/// The web page as an installable app (docs/web.md, "Install, offline, notifications"): the
/// manifest and icons, the service worker that controls the page and opens it offline,
/// notifications for direct messages and mentions while the page is hidden, the app badge.
/// </summary>
public sealed class InstallableAppTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_manifest_and_its_icons_are_served_and_chromium_finds_the_page_installable()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpUri };

        var html = await http.GetStringAsync("/");
        Assert.Contains("<link rel=\"manifest\" href=\"manifest.webmanifest\">", html);
        Assert.Contains("<meta name=\"theme-color\" content=\"#ededed\">", html);
        Assert.Contains("<link rel=\"apple-touch-icon\" href=\"icons/apple-touch-icon.png\">", html);
        await AssertPngAsync(http, "/icons/apple-touch-icon.png", 180);

        using var response = await http.GetAsync("/manifest.webmanifest");
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("application/manifest+json", response.Content.Headers.ContentType?.MediaType);
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = manifest.RootElement;
        Assert.Equal("Parley", root.GetProperty("name").GetString());
        Assert.Equal("Parley", root.GetProperty("short_name").GetString());
        Assert.Equal("./", root.GetProperty("start_url").GetString());
        Assert.Equal("./", root.GetProperty("scope").GetString());
        Assert.Equal("standalone", root.GetProperty("display").GetString());
        Assert.Equal("#ededed", root.GetProperty("theme_color").GetString());
        Assert.Equal("#ededed", root.GetProperty("background_color").GetString());
        var icons = root.GetProperty("icons").EnumerateArray()
            .Select(i => (Src: i.GetProperty("src").GetString()!, Sizes: i.GetProperty("sizes").GetString()!,
                Type: i.GetProperty("type").GetString()!, Purpose: i.GetProperty("purpose").GetString()!))
            .ToList();
        foreach (var (size, purpose) in new[] { (192, "any"), (512, "any"), (512, "maskable") })
        {
            var icon = Assert.Single(icons, i => i.Sizes == $"{size}x{size}" && i.Purpose == purpose);
            Assert.Equal("image/png", icon.Type);
            await AssertPngAsync(http, "/" + icon.Src, size);
        }

        // Chromium's own verdict, from a profile that is not off the record (an ordinary context
        // is, and Chromium never offers to install from one: "in-incognito").
        var profile = TempDirectory.Create();
        try
        {
            await using var context = await browser.Playwright.Chromium.LaunchPersistentContextAsync(profile, new()
            {
                ExecutablePath = BrowserFixture.ChromiumPath,
                Headless = true,
                Args = BrowserFixture.LaunchArgs,
            });
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            await page.GotoAsync(server.HttpUri.ToString());
            await page.EvaluateAsync("() => navigator.serviceWorker.ready");
            await page.ReloadAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => navigator.serviceWorker.controller !== null"));
            var cdp = await context.NewCDPSessionAsync(page);
            var parsed = (await cdp.SendAsync("Page.getAppManifest"))!.Value;
            Assert.Equal(new Uri(server.HttpUri, "manifest.webmanifest").ToString(), parsed.GetProperty("url").GetString());
            Assert.Equal(0, parsed.GetProperty("errors").GetArrayLength());
            var verdict = (await cdp.SendAsync("Page.getInstallabilityErrors"))!.Value;
            Assert.Equal("[]", verdict.GetProperty("installabilityErrors").GetRawText());
        }
        finally
        {
            TempDirectory.Delete(profile);
        }
    }

    [Fact]
    public async Task The_service_worker_controls_the_page_after_a_reload_and_the_shell_opens_offline_saying_reconnecting()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpUri };
        using var worker = await http.GetAsync("/sw.js");
        Assert.Equal("text/javascript", worker.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", worker.Headers.CacheControl?.ToString());
        var script = await worker.Content.ReadAsStringAsync();
        Assert.StartsWith("const SHELL = {\"version\":\"", script);
        using var shell = JsonDocument.Parse(script["const SHELL = ".Length..script.IndexOf(";\n", StringComparison.Ordinal)]);
        var version = shell.RootElement.GetProperty("version").GetString();
        Assert.Equal($"\"{version}\"", worker.Headers.ETag?.Tag);
        using (var again = new HttpRequestMessage(HttpMethod.Get, "/sw.js"))
        {
            again.Headers.IfNoneMatch.Add(worker.Headers.ETag!);
            using var revalidated = await http.SendAsync(again);
            Assert.Equal(System.Net.HttpStatusCode.NotModified, revalidated.StatusCode);
        }

        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");
        await alice.SendAsync("before going offline");
        await alice.Page.EvaluateAsync("() => navigator.serviceWorker.ready");
        var reload = await alice.Page.ReloadAsync();
        Assert.True(reload!.FromServiceWorker);
        Assert.True(await alice.Page.EvaluateAsync<bool>("() => navigator.serviceWorker.controller !== null"));
        await Expect(alice.Bubble("before going offline")).ToBeVisibleAsync();

        // One cache, named after the server's version, holding the page's files and nothing else.
        Assert.Equal([$"parley-shell-{version}"], await alice.Page.EvaluateAsync<string[]>("() => caches.keys()"));
        var cached = await alice.Page.EvaluateAsync<string[]>("""
            async () => (await (await caches.open((await caches.keys())[0])).keys()).map(r => new URL(r.url).pathname)
            """);
        foreach (var path in new[] { "/index.html", "/js/app.js", "/js/views/banner.js", "/css/base.css", "/manifest.webmanifest", "/icons/icon-192.png" })
            Assert.Contains(path, cached);
        Assert.DoesNotContain(cached, p => p.StartsWith("/api/", StringComparison.Ordinal) || p.StartsWith("/ws", StringComparison.Ordinal) || p == "/sw.js");

        // Offline: the page comes from the worker's cache and says it is reconnecting.
        await alice.Context.SetOfflineAsync(true);
        var offline = await alice.Page.ReloadAsync();
        Assert.True(offline!.FromServiceWorker);
        await Expect(alice.Banner).ToHaveTextAsync("Reconnecting…");
        await Expect(alice.App).ToBeHiddenAsync();
        await Expect(alice.LoginScreen).ToBeHiddenAsync();

        // Back online, the page finds the server by itself and is signed in again.
        await alice.Context.SetOfflineAsync(false);
        await Expect(alice.Banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Expect(alice.App).ToBeVisibleAsync();
        await alice.OpenAsync("lobby");
        await Expect(alice.Bubble("before going offline")).ToBeVisibleAsync();
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Signed_out_and_offline_the_sign_in_screen_opens_and_says_reconnecting()
    {
        await using var server = await TestServer.StartAsync();
        await using var visitor = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await visitor.Page.EvaluateAsync("() => navigator.serviceWorker.ready");
        await visitor.Page.ReloadAsync();
        await Expect(visitor.LoginScreen).ToBeVisibleAsync();
        await Expect(visitor.Banner).ToBeHiddenAsync();

        await visitor.Context.SetOfflineAsync(true);
        await visitor.Page.ReloadAsync();
        await Expect(visitor.LoginScreen).ToBeVisibleAsync();
        await Expect(visitor.Banner).ToHaveTextAsync("Reconnecting…");
        await visitor.Context.SetOfflineAsync(false);
        await Expect(visitor.Banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await visitor.RegisterAsync("carol");
        Assert.Empty(visitor.Errors);
    }

    [Fact]
    public async Task Behind_a_proxy_whose_parley_is_down_a_5xx_for_the_page_is_answered_from_the_cache()
    {
        await using var server = await TestServer.StartAsync();
        await using var visitor = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await visitor.Page.EvaluateAsync("() => navigator.serviceWorker.ready");
        await visitor.Page.ReloadAsync();
        await Expect(visitor.LoginScreen).ToBeVisibleAsync();

        // The proxy's answer for every file of the page while Parley is down.
        var refused = 0;
        await visitor.Context.RouteAsync(url => new Uri(url).AbsolutePath is "/" or "/index.html" || url.EndsWith(".js", StringComparison.Ordinal), async route =>
        {
            Interlocked.Increment(ref refused);
            await route.FulfillAsync(new() { Status = 503, ContentType = "text/plain", Body = "503 Service Unavailable" });
        });
        var reload = await visitor.Page.ReloadAsync();
        Assert.True(reload!.FromServiceWorker);
        Assert.True(Volatile.Read(ref refused) > 0, "the route saw the worker's fetches");
        await Expect(visitor.LoginScreen).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_page_opened_at_open_KEY_as_the_worker_opens_it_for_a_notification_opens_that_conversation_once_signed_in()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await bob.OkAsync("send", new { to = "alice", text = "open me" });
        await Expect(alice.Badge("d:bob")).ToHaveTextAsync("1");

        // No window open: the worker opens a new one at ?open=KEY (the token is in the profile's storage).
        var page = await alice.Context.NewPageAsync();
        await page.GotoAsync(new Uri(server.HttpUri, "?open=" + Uri.EscapeDataString("d:bob")).ToString());
        await Expect(page.Locator("#chat-title")).ToHaveTextAsync("bob");
        await Expect(page.Locator("#messages").GetByText("open me", new() { Exact = true })).ToBeVisibleAsync();
        // Gone from the address, so a reload does not open it again.
        Assert.Equal(server.HttpUri.ToString(), page.Url);
    }

    [Fact]
    public async Task A_direct_message_or_a_mention_while_the_page_is_hidden_raises_a_notification_whose_click_opens_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri, prepare: async context =>
        {
            await context.GrantPermissionsAsync(["notifications"]);
            await PageSpies.AddScriptsAsync(context, PageSpies.Notifications, PageSpies.Visibility);
        });
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        // Visible: a DM only raises the badge.
        await bob.OkAsync("send", new { to = "alice", text = "seen in the page" });
        await Expect(alice.Badge("d:bob")).ToHaveTextAsync("1");
        Assert.Empty(await alice.NotificationsAsync());

        await alice.SetHiddenAsync(true);
        await bob.OkAsync("send", new { to = "alice", text = "are you there?" });
        await Expect(alice.Badge("d:bob")).ToHaveTextAsync("2");
        Assert.Equal(["bob | are you there? | d:bob"], await alice.NotificationsAsync());

        // An ordinary room message: the count rises, nothing pops up.
        await bob.OkAsync("send", new { room = "lobby", text = "lunch is ready" });
        await Expect(alice.Badge("r:lobby")).ToHaveTextAsync("1");
        Assert.Equal(["bob | are you there? | d:bob"], await alice.NotificationsAsync());

        // A mention in a room does.
        await bob.OkAsync("send", new { room = "lobby", text = "@alice can you review this?" });
        await Expect(alice.Conversation("r:lobby").Locator(".badge:not(.mention-badge)")).ToHaveTextAsync("2");
        Assert.Equal(["bob | are you there? | d:bob", "bob in lobby | @alice can you review this? | r:lobby"],
            await alice.NotificationsAsync());

        // A click on the DM's notification brings the page back and opens the conversation.
        await alice.SetHiddenAsync(false);
        await alice.Page.EvaluateAsync("() => window.parleyNotifications[0].notification.dispatchEvent(new Event('click'))");
        await Expect(alice.ChatTitle).ToHaveTextAsync("bob");
        await Expect(alice.Bubble("are you there?")).ToBeVisibleAsync();

        // Turned off in the account dialog: no more; on again: they come back.
        await alice.Page.Locator("#me-avatar").ClickAsync();
        var toggle = alice.Page.GetByLabel("Desktop notifications for direct messages and mentions");
        await Expect(toggle).ToBeCheckedAsync();
        await Screenshots.SaveAsync(alice.Page, "account-notifications.png", commit: true);
        await toggle.UncheckAsync();
        await alice.Page.Locator("#account-close").ClickAsync();
        await alice.OpenAsync("lobby");
        await alice.SetHiddenAsync(true);
        await bob.OkAsync("send", new { to = "alice", text = "quiet now" });
        await Expect(alice.Badge("d:bob")).ToHaveTextAsync("1");
        Assert.Equal(2, (await alice.NotificationsAsync()).Length);

        await alice.SetHiddenAsync(false);
        await alice.Page.Locator("#me-avatar").ClickAsync();
        await Expect(toggle).Not.ToBeCheckedAsync();
        await toggle.CheckAsync();
        await alice.Page.Locator("#account-close").ClickAsync();
        await alice.SetHiddenAsync(true);
        await bob.OkAsync("send", new { to = "alice", text = "and again" });
        await Expect(alice.Badge("d:bob")).ToHaveTextAsync("2");
        Assert.Equal("bob | and again | d:bob", (await alice.NotificationsAsync())[^1]);
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task The_browser_is_asked_for_permission_only_from_the_toggle_never_on_load()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri,
            prepare: context => PageSpies.AddScriptsAsync(context, PageSpies.Notifications));
        await alice.RegisterAsync("alice");
        await alice.Page.ReloadAsync();
        await Expect(alice.App).ToBeVisibleAsync();
        Assert.Equal(0, await alice.Page.EvaluateAsync<int>("() => window.parleyPermissionAsks"));
        Assert.Equal("default", await alice.Page.EvaluateAsync<string>("() => Notification.permission"));

        await alice.Page.Locator("#me-avatar").ClickAsync();
        var toggle = alice.Page.GetByLabel("Desktop notifications for direct messages and mentions");
        await Expect(toggle).Not.ToBeCheckedAsync();
        await toggle.ClickAsync();
        await Until.TrueAsync(async () => await alice.Page.EvaluateAsync<int>("() => window.parleyPermissionAsks") == 1, "the toggle asks");
        // The headless browser answers no prompt with a grant: the toggle stays off and says why if refused.
        var permission = await alice.Page.EvaluateAsync<string>("() => Notification.permission");
        Assert.NotEqual("granted", permission);
        await Expect(toggle).Not.ToBeCheckedAsync();
        if (permission == "denied")
            await Expect(alice.Page.Locator("#notify-state")).ToHaveTextAsync("Notifications are blocked for this site in the browser's settings.");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task The_app_badge_carries_the_unread_count_and_clears_when_read()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri,
            prepare: context => PageSpies.AddScriptsAsync(context, PageSpies.AppBadge));
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        await bob.OkAsync("send", new { to = "alice", text = "one" });
        await bob.OkAsync("send", new { to = "alice", text = "two" });
        await Expect(alice.Page).ToHaveTitleAsync("(2) Parley");
        await Until.TrueAsync(async () => (await alice.BadgesAsync()) is [.., 2], "the badge says 2");

        await alice.OpenAsync("@bob");
        await Expect(alice.Page).ToHaveTitleAsync("Parley");
        await Until.TrueAsync(async () => (await alice.BadgesAsync()) is [.., 0], "the badge is cleared");
        var badges = await alice.BadgesAsync();
        Assert.DoesNotContain(badges, b => b > 2);
        Assert.Empty(alice.Errors);
    }

    private static async Task AssertPngAsync(HttpClient http, string path, int size)
    {
        using var response = await http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, path);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(bitmap);
        Assert.Equal((size, size), (bitmap.Width, bitmap.Height));
    }
}
