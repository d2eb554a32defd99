using Microsoft.Playwright;

namespace Parley.Web.Tests.Support;

/// <summary>Pictures of the page: to screenshots/ in the test output, and to docs/screenshots/ when asked.</summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name, bool commit = false)
    {
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(output);
        var bytes = await page.ScreenshotAsync(new() { Path = Path.Combine(output, name) });
        // The copies under docs/ change on every run (times, pixels); refresh them only when asked:
        // PARLEY_UPDATE_SCREENSHOTS=1 dotnet test tests/Parley.Web.Tests
        if (!commit || Environment.GetEnvironmentVariable("PARLEY_UPDATE_SCREENSHOTS") != "1")
            return;
        var docs = Path.Combine(RepoPaths.Root(), "docs", "screenshots");
        Directory.CreateDirectory(docs);
        await File.WriteAllBytesAsync(Path.Combine(docs, name), bytes);
    }
}
