using Parley.Tests.Support;

namespace Parley.Web.Tests;

/// <summary>What the server says about its pages: only its own origin, no sniffing, no framing, no referrer.</summary>
public sealed class SecurityHeaderTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/js/app.js")]
    [InlineData("/sw.js")]
    [InlineData("/manifest.webmanifest")]
    [InlineData("/healthz")]
    [InlineData("/no-such-file")]
    public async Task Every_response_carries_the_content_security_policy_and_hardening_headers(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpUri };
        using var response = await http.GetAsync(path);

        var host = $"127.0.0.1:{server.Server.HttpEndpoint.Port}";
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);
        Assert.Equal(["'self'"], directives["default-src"]);
        Assert.Equal(["'self'"], directives["script-src"]);
        Assert.Equal(["'self'", $"ws://{host}", $"wss://{host}"], directives["connect-src"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task The_page_is_served_at_the_root_with_its_modules()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpUri };
        using var page = await http.GetAsync("/");
        Assert.True(page.IsSuccessStatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"js/app.js\"></script>", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);

        using var module = await http.GetAsync("/js/app.js");
        Assert.Equal("text/javascript", module.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void No_script_in_the_client_parses_html()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot", "js");
        var offenders = Directory.EnumerateFiles(root, "*.js", SearchOption.AllDirectories)
            .Where(file => File.ReadAllText(file) is var code
                && (code.Contains("innerHTML") || code.Contains("outerHTML") || code.Contains("insertAdjacentHTML") || code.Contains("document.write")))
            .ToList();
        Assert.Empty(offenders);
    }
}
