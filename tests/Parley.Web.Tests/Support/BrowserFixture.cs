using Microsoft.Playwright;

namespace Parley.Web.Tests.Support;

/// <summary>
/// One headless Chromium per test class: Debian's /usr/bin/chromium (test.sh installs it), never a
/// downloaded browser. Each test opens its own contexts, so users never share storage.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    /// <summary>The flags every browser of the tests starts with (a persistent context too).</summary>
    public static readonly string[] LaunchArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>For a test that needs a browser of its own kind (a persistent profile).</summary>
    public IPlaywright Playwright => _playwright ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./test.sh, which installs Debian's 'chromium' package.");
        // Polling expectations wait this long before failing; a loaded 2-core machine needs the margin.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = LaunchArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
