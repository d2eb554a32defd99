using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class QueueBoundTests
{
    [Fact]
    public async Task A_client_that_pipelines_big_replies_and_never_reads_is_dropped_at_the_byte_bound()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:MaxQueuedBytes"] = "1000000", ["Connections:SlowConsumerGrace"] = "00:10:00" });
        await using var alice = await server.RegisterAsync("alice");
        var big = new string('€', 4000);
        for (var i = 0; i < 30; i++)
            await alice.OkAsync("send", new { room = "lobby", text = big });

        using var greedy = new TcpClient(AddressFamily.InterNetwork) { ReceiveBufferSize = 1024 };
        await greedy.ConnectAsync(IPAddress.Loopback, server.TcpPort);
        var stream = greedy.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"id\":0,\"type\":\"register\",\"user\":\"greedy\",\"password\":\"password1\"}\n"));
        await Until.TrueAsync(async () => (await alice.OkAsync("online")).GetProperty("users").EnumerateArray().Any(u => u.GetString() == "greedy"), "greedy is signed in");

        // Each reply is about 360 KB; 40 of them would be 14 MB queued for a reader that takes nothing.
        var requests = string.Concat(Enumerable.Range(1, 40).Select(i => $"{{\"id\":{i},\"type\":\"history\",\"room\":\"lobby\",\"limit\":200}}\n"));
        await stream.WriteAsync(Encoding.UTF8.GetBytes(requests));

        await Until.TrueAsync(async () => await SlowConsumersAsync(server) == 1, "greedy is dropped as too slow");
        await alice.OkAsync("send", new { room = "lobby", text = "still fine" });

        // What was on its way comes whole, then the reason: the replies that did not fit are dropped.
        var lines = await ReadLinesToEndAsync(stream).WaitAsync(TimeSpan.FromSeconds(60));
        var frames = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal("slow_consumer", frames[^1].GetProperty("reason").GetString());
        Assert.True(frames.Count(f => f.TryGetProperty("re", out _)) < 41, "every reply was written: none was dropped");
        await Until.TrueAsync(async () => !await OnlineAsync(alice, "greedy"), "greedy is offline");
    }

    /// <summary>
    /// A member that stops reading while its room is busy (docs/reliability.md, "Slow consumer"):
    /// it alone is dropped, whatever the others read they get in full and in order; once it reads
    /// again it gets what was already on its way, whole, then <c>bye</c> <c>slow_consumer</c>, then
    /// the end of the stream; and after it reconnects it catches up on everything it missed through
    /// history.
    /// </summary>
    [Fact]
    public async Task A_member_that_stops_reading_in_a_busy_room_is_dropped_alone_with_a_bye_and_catches_up_after_it_reconnects()
    {
        // The grace is long here so that a busy machine cannot cut the sleeper before it reads again.
        await using var server = await TestServer.StartAsync(new() { ["Connections:OutboundQueueLimit"] = "64", ["Connections:SlowConsumerGrace"] = "00:10:00" });
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await using var web = await server.ConnectWebSocketAsync();
        await web.OkAsync("register", new { user = "carol", password = "password1" });

        // The sleeper signs in, reads its reply (its token, and where the lobby stood), then reads nothing more.
        using var sleeper = new TcpClient(AddressFamily.InterNetwork) { ReceiveBufferSize = 1024 };
        await sleeper.ConnectAsync(IPAddress.Loopback, server.TcpPort);
        var stream = sleeper.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"id\":1,\"type\":\"register\",\"user\":\"sleeper\",\"password\":\"password1\"}\n"));
        JsonElement signIn;
        do
            signIn = JsonDocument.Parse(await ReadLineAsync(stream)).RootElement;
        while (!signIn.TryGetProperty("re", out var re) || re.ValueKind != JsonValueKind.Number);
        var token = signIn.GetProperty("token").GetString();
        var seen = signIn.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "lobby").GetProperty("lastSeq").GetInt64();

        // The room gets busy until the sleeper's queue overflows: its kernel buffers fill first.
        var sent = await FloodUntilDroppedAsync(server, alice, dropped: 1);
        await alice.OkAsync("send", new { room = "lobby", text = "after the drop" });

        // The others were not dropped and got every message, in order, once.
        foreach (var (member, name) in new (ProtocolClient, string)[] { (bob, "bob"), (web, "carol") })
        {
            await member.NextAsync("message", m => m.GetProperty("text").GetString() == "after the drop");
            var got = member.Received.Where(e => e.GetProperty("type").GetString() == "message" && e.GetProperty("from").GetString() == "alice")
                .Select(e => e.GetProperty("seq").GetInt64()).ToList();
            Assert.True(sent.SequenceEqual(got.Take(sent.Count)), $"{name} missed or reordered messages");
            await member.OkAsync("ping");
        }
        var metrics = await PrometheusText.ScrapeAsync(Http, new Uri(server.HttpUri, "/metrics"));
        Assert.Equal(1, metrics["parley_slow_consumers_total"]);

        // Reading again, it gets what the kernel had taken already (the socket's buffers, which its
        // tiny window reads a little at a time), each line whole, then its bye, then the end.
        var lines = await ReadLinesToEndAsync(stream).WaitAsync(TimeSpan.FromSeconds(60));
        var events = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal("bye", events[^1].GetProperty("type").GetString());
        Assert.Equal("slow_consumer", events[^1].GetProperty("reason").GetString());
        var held = events.Where(e => e.GetProperty("type").GetString() == "message").Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.NotEmpty(held);
        Assert.Equal(sent.Take(held.Count), held);
        await Until.TrueAsync(async () => !await OnlineAsync(alice, "sleeper"), "the sleeper is offline once its bye is read");

        // It comes back with its token and pages history back to what it had seen, as a client's catch-up does.
        await using var back = await server.ConnectAsync();
        var resumed = await back.OkAsync("resume", new { token });
        var lastSeq = resumed.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "lobby").GetProperty("lastSeq").GetInt64();
        var missed = new List<JsonElement>();
        long? before = null;
        while (true)
        {
            var page = await back.OkAsync("history", before is null ? new { room = "lobby", limit = 200 } : (object)new { room = "lobby", limit = 200, before });
            var messages = page.GetProperty("messages").EnumerateArray().ToList();
            missed.AddRange(messages.Where(m => m.GetProperty("seq").GetInt64() > seen));
            if (messages.Count == 0 || messages[^1].GetProperty("seq").GetInt64() <= seen + 1 || !page.GetProperty("more").GetBoolean())
                break;
            before = messages[^1].GetProperty("seq").GetInt64();
        }
        var caughtUp = missed.Select(m => m.GetProperty("seq").GetInt64()).Reverse().ToList();
        Assert.Equal([.. sent, lastSeq], caughtUp);
    }

    private static readonly HttpClient Http = new();

    private static async Task<double> SlowConsumersAsync(TestServer server) =>
        (await PrometheusText.ScrapeAsync(Http, new Uri(server.HttpUri, "/metrics")))["parley_slow_consumers_total"] ?? 0;

    private static async Task<bool> OnlineAsync(ProtocolClient asking, string user) =>
        (await asking.OkAsync("online")).GetProperty("users").EnumerateArray().Any(u => u.GetString() == user);

    /// <summary>
    /// Every line up to the end of the stream; a stream reset, or one that ends inside a line,
    /// fails: a closing goodbye is a clean end after whole lines.
    /// </summary>
    private static async Task<List<string>> ReadLinesToEndAsync(NetworkStream stream)
    {
        var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes);
        var text = Encoding.UTF8.GetString(bytes.ToArray());
        Assert.True(text.EndsWith('\n'), $"the stream ended inside a line: …{text[^Math.Min(80, text.Length)..]}");
        return [.. text.TrimEnd('\n').Split('\n').Select(line => line.TrimEnd('\r'))];
    }

    /// <summary>A TCP member with a tiny receive window that signs in, reads up to <paramref name="until"/>, and then reads nothing until told.</summary>
    private static async Task<(TcpClient Client, NetworkStream Stream)> SleeperAsync(int port, string hello, Func<string, bool> until)
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { ReceiveBufferSize = 1024 };
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(hello));
        while (!until(await ReadLineAsync(stream)))
        {
        }
        return (client, stream);
    }

    /// <summary>
    /// The room gets busy (alice writing, so every member gets each message) until the server has
    /// dropped <paramref name="dropped"/> slow consumers; the seqs of what alice sent.
    /// </summary>
    private static async Task<List<long>> FloodUntilDroppedAsync(TestServer server, ProtocolClient alice, int dropped)
    {
        var text = new string('€', 3990);
        var sent = new List<long>();
        while (await SlowConsumersAsync(server) < dropped)
        {
            Assert.True(sent.Count < 5000, "the sleepers were never dropped");
            for (var i = 0; i < 20; i++)
                sent.Add((await alice.OkAsync("send", new { room = "lobby", text = $"{sent.Count} {text}" })).GetProperty("message").GetProperty("seq").GetInt64());
        }
        return sent;
    }

    /// <summary>
    /// Over WebSocket and over IRC too, a member dropped as too slow is told why once it reads
    /// again: a WebSocket one gets <c>bye</c> then a Close frame with the reason, an IRC one an
    /// <c>ERROR</c> line; each after what was already on its way, whole.
    /// </summary>
    [Fact]
    public async Task Slow_consumers_over_WebSocket_and_IRC_get_their_goodbye_once_they_read_again()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:OutboundQueueLimit"] = "64", ["Connections:SlowConsumerGrace"] = "00:10:00" });
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await (await server.RegisterAsync("ircsleeper")).DisposeAsync();

        // A WebSocket member that reads its sign-in reply, then nothing.
        using var web = new ClientWebSocket();
        await web.ConnectAsync(server.WebSocketUri, CancellationToken.None);
        await web.SendAsync(Encoding.UTF8.GetBytes("{\"id\":1,\"type\":\"register\",\"user\":\"websleeper\",\"password\":\"password1\"}"), WebSocketMessageType.Text, true, CancellationToken.None);
        while (true)
        {
            var (_, message) = await ReceiveAsync(web);
            if (JsonDocument.Parse(message!).RootElement.TryGetProperty("re", out _))
                break;
        }
        // An IRC member that reads its welcome up to the end of #lobby's names, then nothing.
        var (irc, ircStream) = await SleeperAsync(server.IrcPort, "PASS password1\r\nNICK ircsleeper\r\nUSER ircsleeper 0 * :ircsleeper\r\n",
            line => line.Contains(" 366 ircsleeper #lobby "));
        using var ircClient = irc;
        await Until.TrueAsync(async () => await OnlineAsync(alice, "websleeper") && await OnlineAsync(alice, "ircsleeper"), "both sleepers are signed in");

        var sent = await FloodUntilDroppedAsync(server, alice, dropped: 2);
        await alice.OkAsync("send", new { room = "lobby", text = "after the drop" });
        await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "after the drop");
        var got = bob.Received.Where(e => e.GetProperty("type").GetString() == "message" && e.GetProperty("from").GetString() == "alice")
            .Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(sent, got.Take(sent.Count));

        // The WebSocket sleeper: whole messages, its bye, then the Close frame with the reason.
        var received = new List<JsonElement>();
        while (true)
        {
            var (result, message) = await ReceiveAsync(web).WaitAsync(TimeSpan.FromSeconds(60));
            if (result.MessageType == WebSocketMessageType.Close)
                break;
            received.Add(JsonDocument.Parse(message!).RootElement);
        }
        Assert.Equal(WebSocketCloseStatus.NormalClosure, web.CloseStatus);
        Assert.Equal("slow_consumer", web.CloseStatusDescription);
        Assert.Equal("bye", received[^1].GetProperty("type").GetString());
        Assert.Equal("slow_consumer", received[^1].GetProperty("reason").GetString());
        var held = received.Where(e => e.GetProperty("type").GetString() == "message").Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(sent.Take(held.Count), held);

        // The IRC sleeper: whole lines, then ERROR with the reason, then the end of the stream.
        var lines = await ReadLinesToEndAsync(ircStream).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("ERROR :Closing link: slow_consumer", lines[^1]);
        Assert.DoesNotContain(lines[..^1], line => line.StartsWith("ERROR"));

        await Until.TrueAsync(async () => !await OnlineAsync(alice, "websleeper") && !await OnlineAsync(alice, "ircsleeper"), "both sleepers are offline");
        await alice.OkAsync("send", new { room = "lobby", text = "still fine" });
    }

    /// <summary>
    /// A member dropped as too slow that never reads again does not hold its connection for ever:
    /// it is held for its goodbye until the grace is over, then cut. The server runs on a fake
    /// clock, so the grace passes when the test says, never while it waits.
    /// </summary>
    [Fact]
    public async Task A_slow_consumer_that_never_reads_its_bye_is_cut_when_the_grace_is_over()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(new() { ["Connections:OutboundQueueLimit"] = "64", ["Connections:SlowConsumerGrace"] = "00:00:05" }, time: clock);
        await using var alice = await server.RegisterAsync("alice");
        var (sleeper, _) = await SleeperAsync(server.TcpPort, "{\"id\":1,\"type\":\"register\",\"user\":\"sleeper\",\"password\":\"password1\"}\n",
            line => line.Contains("\"re\":1"));
        using var sleeperClient = sleeper;

        await FloodUntilDroppedAsync(server, alice, dropped: 1);
        // Its goodbye waits behind the full socket: the connection is held, and it is still online.
        clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        await alice.OkAsync("ping");
        Assert.True(await OnlineAsync(alice, "sleeper"), "the sleeper was cut before the grace was over");

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Until.TrueAsync(async () => !await OnlineAsync(alice, "sleeper"), "the sleeper is cut once the grace is over");
        await alice.OkAsync("send", new { room = "lobby", text = "still fine" });
    }

    private static async Task<(ValueWebSocketReceiveResult Result, string? Message)> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[1 << 20];
        var count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
            count += result.Count;
        }
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
        return (result, result.MessageType == WebSocketMessageType.Close ? null : Encoding.UTF8.GetString(buffer, 0, count));
    }

    /// <summary>One line, read a byte at a time so that nothing after it is taken off the socket.</summary>
    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != (byte)'\n')
            line.Add(one[0]);
        return Encoding.UTF8.GetString([.. line]);
    }
}
