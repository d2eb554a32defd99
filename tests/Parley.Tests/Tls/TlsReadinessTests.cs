using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Tls;

/// <summary>/readyz names the TLS listeners beside the plain ones, and fails them once the certificate in service has expired.</summary>
public sealed class TlsReadinessTests
{
    private static readonly HttpClient Http = new();

    private static async Task<(HttpStatusCode Status, JsonElement Checks)> ReadyAsync(TestServer server)
    {
        using var response = await Http.GetAsync(new Uri(server.HttpUri, "/readyz"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body.GetProperty("checks").Clone());
    }

    [Fact]
    public async Task Readyz_lists_every_tls_listener_and_fails_them_once_the_certificate_has_expired()
    {
        using var certificate = TestCertificate.Create();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(certificate.Settings(), time: time);

        var (status, checks) = await ReadyAsync(server);
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var name in new[] { "store", "tcp", "irc", "http", "tcp+tls", "https", "irc+tls" })
            Assert.Equal("ok", checks.GetProperty(name).GetString());

        // The test certificate is good for two days.
        time.Advance(TimeSpan.FromDays(3));
        (status, checks) = await ReadyAsync(server);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        foreach (var name in new[] { "tcp+tls", "https", "irc+tls" })
            Assert.Equal("unavailable", checks.GetProperty(name).GetString());
        foreach (var name in new[] { "store", "tcp", "irc", "http" })
            Assert.Equal("ok", checks.GetProperty(name).GetString());
    }

    [Fact]
    public async Task Readyz_names_only_the_listeners_that_are_set()
    {
        await using var server = await TestServer.StartAsync();
        var (status, checks) = await ReadyAsync(server);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", checks.GetProperty("http").GetString());
        foreach (var name in new[] { "tcp+tls", "https", "irc+tls" })
            Assert.False(checks.TryGetProperty(name, out _));
    }
}
