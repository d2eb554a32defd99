using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Parley.Server.Transports;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>
/// <c>Connections:TrustedProxies</c>: a "proxy" here is a test client on loopback that sends
/// <c>X-Forwarded-For</c>, with loopback trusted. Loopback stays exempt from the per-address limits
/// (the default), so only the forwarded addresses can be limited: without the setting's effect
/// nothing here would ever be refused.
/// </summary>
public sealed class TrustedProxyTests
{
    private const string Alice = "203.0.113.7";
    private const string Bob = "203.0.113.8";

    private static Dictionary<string, string?> Trusting(string proxy, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Connections:TrustedProxies:0"] = proxy };
        foreach (var (key, value) in more)
            settings[key] = value;
        return settings;
    }

    private static Task<WsClient> WebSocketFromAsync(TestServer server, string forwardedFor) =>
        WsClient.ConnectAsync(server.WebSocketUri, o => o.SetRequestHeader("X-Forwarded-For", forwardedFor));

    private static bool Bye(JsonElement e) => e.GetProperty("reason").GetString() == "too_many_connections";

    private static ConnectionsPerAddress Counts(TestServer server) =>
        (ConnectionsPerAddress)server.Server.Services.GetService(typeof(ConnectionsPerAddress))!;

    [Fact]
    public async Task WebSockets_through_a_trusted_proxy_are_counted_by_the_forwarded_address()
    {
        await using var server = await TestServer.StartAsync(Trusting("127.0.0.1", ("Connections:PerAddress", "1")));
        await using var alice = await WebSocketFromAsync(server, Alice);
        await alice.OkAsync("ping");

        await using (var again = await WebSocketFromAsync(server, Alice))
        {
            await again.NextAsync("bye", Bye);
            await again.Closed.WaitAsync(ProtocolClient.ReplyTimeout);
        }
        // A client that sends its own X-Forwarded-For to pass for Bob: the proxy appends the address
        // it saw, and that rightmost hop is the one believed.
        await using (var spoofed = await WebSocketFromAsync(server, $"{Bob}, {Alice}"))
            await spoofed.NextAsync("bye", Bye);
        await using var bob = await WebSocketFromAsync(server, Bob);
        await bob.OkAsync("ping");
        Assert.Equal(1, Counts(server).OpenFrom(IPAddress.Parse(Alice)));
        // The proxy itself (loopback) is not what was counted.
        Assert.Equal(0, Counts(server).OpenFrom(IPAddress.Loopback));
    }

    [Fact]
    public async Task A_websocket_upgrade_that_kestrel_serves_is_counted_by_the_forwarded_address_too()
    {
        await using var server = await TestServer.StartAsync(Trusting("127.0.0.1", ("Connections:PerAddress", "1")));
        await using var alice = await WebSocketFromAsync(server, Alice);
        await alice.OkAsync("ping");

        // X-Forwarded-For in two lines: the shortcut leaves that head to Kestrel's pipeline, where the
        // forwarded-headers middleware reads the two as one list, Alice last.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Server.HttpEndpoint.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{server.Server.HttpEndpoint.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + $"X-Forwarded-For: {Bob}\r\nX-Forwarded-For: {Alice}\r\n\r\n"));
        var head = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 101", head);
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false });
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(ProtocolClient.ReplyTimeout);
        var bye = JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement;
        Assert.Equal("bye", bye.GetProperty("type").GetString());
        Assert.True(Bye(bye), bye.ToString());
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one).AsTask().WaitAsync(ProtocolClient.ReplyTimeout) == 0)
                throw new IOException($"closed after: {head}");
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    [Fact]
    public async Task Failed_sign_ins_through_a_trusted_proxy_throttle_the_forwarded_address_alone()
    {
        await using var server = await TestServer.StartAsync(Trusting("127.0.0.1", ("Limits:AddressLoginFailures", "3")));
        await (await server.RegisterAsync("carol")).DisposeAsync();
        await using var alice = await WebSocketFromAsync(server, Alice);
        foreach (var name in new[] { "bob", "carol", "dave" })
            Assert.Equal("bad_credentials", await alice.ErrorAsync("login", new { user = name, password = "guess-guess" }));
        Assert.Equal("address_throttled", await alice.ErrorAsync("login", new { user = "carol", password = "password1" }));

        await using var bob = await WebSocketFromAsync(server, Bob);
        await bob.OkAsync("login", new { user = "carol", password = "password1" });
    }

    [Fact]
    public async Task Http_requests_through_a_trusted_proxy_are_counted_by_the_forwarded_address_while_they_run()
    {
        await using var server = await TestServer.StartAsync(Trusting("127.0.0.1", ("Connections:PerAddress", "1")));
        await using var owner = await server.ConnectAsync();
        var token = (await owner.OkAsync("register", new { user = "uploader", password = "password1" })).GetProperty("token").GetString()!;
        using var http = new HttpClient { BaseAddress = server.HttpUri };

        // An upload from Alice whose body is held back: it is running, and holds Alice's one place.
        var body = new HeldBody();
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/files?name=notes.txt") { Content = body };
        upload.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        upload.Headers.Add("X-Forwarded-For", Alice);
        var uploading = http.SendAsync(upload);
        await Until.TrueAsync(() => Counts(server).OpenFrom(IPAddress.Parse(Alice)) == 1, "the upload counted against Alice");

        using (var refused = await GetFromAsync(server, "/healthz", Alice))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("{\"error\":\"too_many_connections\"}\n", await refused.Content.ReadAsStringAsync());
        }
        await using (var web = await WebSocketFromAsync(server, Alice))
            await web.NextAsync("bye", Bye);
        using (var other = await GetFromAsync(server, "/healthz", Bob))
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        body.Release();
        using (var uploaded = await uploading)
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        await Until.TrueAsync(() => Counts(server).OpenFrom(IPAddress.Parse(Alice)) == 0, "the finished upload lets go of its place");
        using var again = await GetFromAsync(server, "/healthz", Alice);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private static async Task<HttpResponseMessage> GetFromAsync(TestServer server, string path, string forwardedFor)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = server.HttpUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task From_an_untrusted_address_x_forwarded_for_is_ignored()
    {
        await using var server = await TestServer.StartAsync(Trusting("10.9.8.7",
            ("Connections:PerAddress", "1"), ("Connections:ExemptLoopback", "false"), ("Limits:AddressLoginFailures", "3")));
        await (await server.RegisterAsync("carol")).DisposeAsync();
        await Until.TrueAsync(() => Counts(server).OpenFrom(IPAddress.Loopback) == 0, "the registering connection's place free");
        await using var alice = await WebSocketFromAsync(server, Alice);
        foreach (var name in new[] { "bob", "carol", "dave" })
            Assert.Equal("bad_credentials", await alice.ErrorAsync("login", new { user = name, password = "guess-guess" }));
        Assert.Equal(1, Counts(server).OpenFrom(IPAddress.Loopback));
        Assert.Equal(0, Counts(server).OpenFrom(IPAddress.Parse(Alice)));

        // Bob's header changes nothing: both are loopback, which has its one place taken.
        await using (var bob = await WebSocketFromAsync(server, Bob))
            await bob.NextAsync("bye", Bye);
        using (var refused = await GetFromAsync(server, "/healthz", Bob))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        // And loopback's failed sign-ins are Bob's too.
        await alice.DisposeAsync();
        await Until.TrueAsync(() => Counts(server).OpenFrom(IPAddress.Loopback) == 0, "Alice's place free");
        await using var bobAgain = await WebSocketFromAsync(server, Bob);
        Assert.Equal("address_throttled", await bobAgain.ErrorAsync("login", new { user = "carol", password = "password1" }));
    }

    [Fact]
    public async Task Metrics_stay_closed_to_a_request_a_trusted_proxy_forwards_even_from_loopback()
    {
        await using var server = await TestServer.StartAsync(Trusting("127.0.0.1"));
        using var http = new HttpClient();
        using (var direct = await http.GetAsync(new Uri(server.HttpUri, "/metrics")))
            Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        foreach (var forwarded in new[] { "127.0.0.1", Alice })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.HttpUri, "/metrics"));
            request.Headers.Add("X-Forwarded-For", forwarded);
            using var proxied = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, proxied.StatusCode);
        }
    }

    /// <summary>A request body that sends its first bytes, then waits for <see cref="Release"/> before the rest.</summary>
    private sealed class HeldBody : HttpContent
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync("held back "u8.ToArray());
            await stream.FlushAsync();
            await _released.Task;
            await stream.WriteAsync("and sent\n"u8.ToArray());
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
