using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>
/// A Chromium that trusts one test certificate, by its public key's SHA-256
/// (<c>--ignore-certificate-errors-spki-list</c>): every other certificate error still stops it.
/// </summary>
public sealed class PinnedBrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public TestCertificate Certificate { get; } = TestCertificate.Create();

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                $"--ignore-certificate-errors-spki-list={Certificate.Pair.SpkiSha256Base64}"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        Certificate.Dispose();
    }
}

/// <summary>The web page over HTTPS, chatting over WSS, with a native client on the plain TCP listener.</summary>
public sealed class HttpsWebTests(PinnedBrowserFixture browser) : IClassFixture<PinnedBrowserFixture>
{
    [Fact]
    public async Task The_page_loads_over_https_and_chats_over_wss()
    {
        await using var server = await TestServer.StartAsync(browser.Certificate.Settings());
        var https = new Uri($"https://127.0.0.1:{server.Server.HttpsEndpoint!.Port}/");
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, https);
        var sockets = new List<string>();
        alice.Page.WebSocket += (_, socket) =>
        {
            lock (sockets)
                sockets.Add(socket.Url);
        };
        var page = await alice.Page.ReloadAsync();
        Assert.Equal("max-age=31536000", await page!.HeaderValueAsync("strict-transport-security"));

        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");
        await alice.SendAsync("hello from https");
        var message = await bob.NextAsync("message", m => m.GetProperty("from").GetString() == "alice");
        Assert.Equal("hello from https", message.GetProperty("text").GetString());
        await bob.OkAsync("send", new { room = "lobby", text = "hello back over wss" });
        await Expect(alice.Bubble("hello back over wss")).ToBeVisibleAsync();

        lock (sockets)
            Assert.All(sockets, url => Assert.StartsWith($"wss://127.0.0.1:{server.Server.HttpsEndpoint!.Port}/", url));
        Assert.NotEmpty(sockets);
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task A_certificate_that_is_not_the_pinned_one_is_refused()
    {
        using var other = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(other.Settings());
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var error = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync($"https://127.0.0.1:{server.Server.HttpsEndpoint!.Port}/"));
            Assert.Contains("ERR_CERT", error.Message);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
