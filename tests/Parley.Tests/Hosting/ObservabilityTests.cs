using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Hosting;

/// <summary>/metrics, /healthz and /readyz over real HTTP, against a real server (and a real Redis).</summary>
public sealed class ObservabilityTests
{
    private static readonly HttpClient Http = new();

    private static Uri Metrics(TestServer server) => new(server.HttpUri, "/metrics");

    [Fact]
    public async Task Metrics_count_connections_sign_ins_messages_and_deliveries_and_name_no_user()
    {
        await using var server = await TestServer.StartAsync();
        var before = await PrometheusText.ScrapeAsync(Http, Metrics(server));
        Assert.Equal(0, before["parley_connections{transport=\"tcp\"}"]);
        Assert.Equal(0, before["parley_messages_stored_total"]);
        Assert.NotNull(before["process_cpu_seconds_total"]);
        Assert.NotNull(before["process_working_set_bytes"]);
        Assert.NotNull(before["dotnet_collection_count_total{generation=\"0\"}"]);

        await using var alice = await server.RegisterAsync("alicemetrics");
        await using var bob = await server.RegisterAsync("bobmetrics");
        await alice.OkAsync("send", new { room = "lobby", text = "counted" });
        await using var stranger = await server.ConnectAsync();
        await stranger.ErrorAsync("login", new { user = "alicemetrics", password = "wrong-password" });

        PrometheusText after = before;
        await Until.TrueAsync(async () =>
        {
            after = await PrometheusText.ScrapeAsync(Http, Metrics(server));
            return after["parley_connections{transport=\"tcp\"}"] == 3 && after["parley_messages_stored_total"] >= 1
                && after["parley_deliveries_total"] >= 1 && after["parley_sign_ins_total{outcome=\"ok\"}"] == 2
                && after["parley_sign_ins_total{outcome=\"failed\"}"] == 1;
        }, "the scrape shows the connections, the sign-ins, the message and its delivery");
        Assert.True(after["parley_store_commit_duration_seconds_count"] >= 1);
        Assert.Equal(0, after["parley_connections{transport=\"websocket\"}"]);
        Assert.DoesNotContain("alicemetrics", after.Text);
        Assert.DoesNotContain("bobmetrics", after.Text);

        await bob.DisposeAsync();
        await Until.TrueAsync(async () => (await PrometheusText.ScrapeAsync(Http, Metrics(server)))["parley_connections{transport=\"tcp\"}"] == 2,
            "the closed connection leaves the gauge");
    }

    [Fact]
    public async Task Metrics_count_tls_connections_by_transport_apart_from_plain_ones()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        var before = await PrometheusText.ScrapeAsync(Http, Metrics(server));
        foreach (var transport in new[] { "tcp+tls", "irc+tls", "websocket+tls" })
            Assert.Equal(0, before[$"parley_connections{{transport=\"{transport}\"}}"]);

        var (native, _) = await TestCertificate.ConnectAsync(server.Server.TcpTlsEndpoint!.Port);
        var (irc, _) = await TestCertificate.ConnectAsync(server.Server.IrcTlsEndpoint!.Port);
        await using var wss = await WsClient.ConnectAsync(new Uri($"wss://127.0.0.1:{server.Server.HttpsEndpoint!.Port}/ws"),
            o => o.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null);
        await wss.OkAsync("ping");
        await using var plainTcp = await server.ConnectAsync();
        await plainTcp.OkAsync("ping");

        static bool Counts(PrometheusText scrape, double tcpTls, double ircTls, double wss) =>
            scrape["parley_connections{transport=\"tcp+tls\"}"] == tcpTls && scrape["parley_connections{transport=\"irc+tls\"}"] == ircTls
            && scrape["parley_connections{transport=\"websocket+tls\"}"] == wss
            // The plain ones count only themselves: a WebSocket over TLS is not a plain one.
            && scrape["parley_connections{transport=\"websocket\"}"] == 0 && scrape["parley_connections{transport=\"tcp\"}"] == 1
            && scrape["parley_connections{transport=\"irc\"}"] == 0;
        await Until.TrueAsync(async () => Counts(await PrometheusText.ScrapeAsync(Http, Metrics(server)), 1, 1, 1),
            "one of each TLS connection counted under its own transport");

        await native.DisposeAsync();
        await irc.DisposeAsync();
        await wss.DisposeAsync();
        await Until.TrueAsync(async () => Counts(await PrometheusText.ScrapeAsync(Http, Metrics(server)), 0, 0, 0),
            "the closed TLS connections leave the gauge");
    }

    [Fact]
    public async Task Metrics_refuse_a_proxied_request_and_ask_for_the_token_when_one_is_set()
    {
        await using (var open = await TestServer.StartAsync())
        {
            using var proxied = new HttpRequestMessage(HttpMethod.Get, Metrics(open));
            proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
            using var refused = await Http.SendAsync(proxied);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await using var server = await TestServer.StartAsync(new() { ["Metrics:Token"] = "s3cret-scrape" });
        using (var bare = await Http.GetAsync(Metrics(server)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
            Assert.Equal("Bearer", bare.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, Metrics(server)))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-scrap");
            Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SendAsync(wrong)).StatusCode);
        }
        using var right = new HttpRequestMessage(HttpMethod.Get, Metrics(server));
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-scrape");
        right.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var scraped = await Http.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("parley_messages_stored_total", await scraped.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_metrics_listener_serves_metrics_and_health_and_nothing_else()
    {
        await using var server = await TestServer.StartAsync(new() { ["Metrics:Listen"] = "127.0.0.1:0" });
        var listener = server.Server.MetricsEndpoint!;
        Assert.NotEqual(server.HttpUri.Port, listener.Port);
        var root = new Uri($"http://127.0.0.1:{listener.Port}/");

        var scraped = await PrometheusText.ScrapeAsync(Http, new Uri(root, "/metrics"));
        Assert.NotNull(scraped["parley_connections{transport=\"tcp\"}"]);
        Assert.Equal("{\"status\":\"ok\"}\n", await Http.GetStringAsync(new Uri(root, "/healthz")));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(root, "/readyz"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(root)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(root, "/ws"))).StatusCode);
        // The page itself is still on the HTTP listener.
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(server.HttpUri)).StatusCode);
    }

    [Fact]
    public async Task Healthz_and_readyz_answer_json()
    {
        await using var server = await TestServer.StartAsync();
        using var health = await Http.GetAsync(new Uri(server.HttpUri, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("application/json", health.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ok", JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        using var ready = await Http.GetAsync(new Uri(server.HttpUri, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ok", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal("ok", checks.GetProperty("store").GetString());
        Assert.Equal("ok", checks.GetProperty("tcp").GetString());
        Assert.Equal("ok", checks.GetProperty("irc").GetString());
    }

    [Fact]
    public async Task Readyz_fails_while_redis_is_down_and_recovers_when_it_is_back_and_metrics_say_so()
    {
        await using var nodes = await RedisNodes.StartAsync();
        await using var node = await nodes.StartNodeAsync("a", new() { ["Metrics:RedisProbeInterval"] = "00:00:00.100" });
        var readyz = new Uri(node.HttpUri, "/readyz");
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(readyz)).StatusCode);
        await Until.TrueAsync(async () => (await PrometheusText.ScrapeAsync(Http, Metrics(node)))["parley_redis_up"] == 1, "the probe finds Redis up");
        Assert.True((await PrometheusText.ScrapeAsync(Http, Metrics(node)))["parley_redis_round_trip_seconds_count"] >= 1);

        await nodes.Redis.StopAsync();
        JsonElement body = default;
        await Until.TrueAsync(async () =>
        {
            using var response = await Http.GetAsync(readyz);
            body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, "/readyz answers 503 while Redis is down", TimeSpan.FromSeconds(20));
        Assert.Equal("unavailable", body.GetProperty("status").GetString());
        Assert.Equal("unavailable", body.GetProperty("checks").GetProperty("store").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("tcp").GetString());
        await Until.TrueAsync(async () =>
        {
            var scraped = await PrometheusText.ScrapeAsync(Http, Metrics(node));
            return scraped["parley_redis_up"] == 0 && scraped["parley_redis_outages_total"] == 1;
        }, "the metrics show the outage", TimeSpan.FromSeconds(20));
        // The liveness probe does not depend on Redis: the process is fine, restarting it would not help.
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(node.HttpUri, "/healthz"))).StatusCode);

        await nodes.Redis.StartAgainAsync();
        await Until.TrueAsync(async () => (await Http.GetAsync(readyz)).StatusCode == HttpStatusCode.OK,
            "/readyz answers 200 once Redis is back", TimeSpan.FromSeconds(20));
        await Until.TrueAsync(async () => (await PrometheusText.ScrapeAsync(Http, Metrics(node)))["parley_redis_up"] == 1,
            "the metrics show Redis up again", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Log_format_json_writes_one_json_object_a_line_on_stderr()
    {
        var data = TempDirectory.Create();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, "--log-format", "json");
            await Until.TrueAsync(() => server.StandardError.Contains("Parley serving"), "the server logs that it serves");
            var lines = server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            foreach (var line in lines)
            {
                var entry = JsonDocument.Parse(line).RootElement;
                Assert.True(entry.TryGetProperty("LogLevel", out _), line);
            }
            var started = lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("EventId").GetInt32() == 1);
            Assert.Equal("Parley", started.GetProperty("Category").GetString());
            Assert.EndsWith("parley.db", started.GetProperty("State").GetProperty("Store").GetString());
            Assert.DoesNotContain(server.StandardOutput, l => l.StartsWith('{'));
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
