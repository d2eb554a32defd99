using System.Net;
using System.Net.Sockets;
using System.Text;
using Parley.Core.Model;
using Parley.Tests.Support;
using Xunit.Abstractions;
using static Parley.Tests.Integration.BadInput.BadInputChecks;

namespace Parley.Tests.Integration.BadInput;

/// <summary>Per-connection limits, each on a server of its own with tight settings: a flooder is rate limited, a reader that stops reading is dropped alone.</summary>
public sealed class ConnectionLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_flooding_connection_is_rate_limited_while_another_is_not()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Connections:RateBurst"] = "5",
            ["Connections:RatePerSecond"] = "1",
        });
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.ConnectWebSocketAsync();
        await bob.OkAsync("register", new { user = "bob", password = "password1" });
        await using var mallory = await server.RegisterAsync("mallory");

        var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            mallory.RequestAsync(i % 2 == 0 ? "ping" : "send", i % 2 == 0 ? null : new { room = "lobby", text = $"flood {i}" })));
        var outcomes = replies.Select(r => Text(r, "type") == "ok" ? "ok" : Text(r, "code")).ToList();
        Assert.All(outcomes, o => Assert.Contains(o, new[] { "ok", ErrorCodes.RateLimited }));
        var limited = outcomes.Count(o => o == ErrorCodes.RateLimited);
        // Burst 5, one spent on register, one more per second: at most a handful of 40 get through.
        Assert.True(limited >= 30, $"only {limited} of 40 flooded requests were rate limited");
        Assert.Contains("ok", outcomes);

        // The other connections have budgets of their own.
        await AssertUndisturbedAsync(server, alice, bob);
        Assert.False(mallory.Closed.IsCompleted);

        // The bucket refills: the flooder is served again once it slows down.
        await Until.TrueAsync(async () => Text(await mallory.RequestAsync("ping"), "type") == "ok",
            "mallory's budget refills", TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("websocket")]
    public async Task A_client_the_server_closed_that_does_not_read_its_goodbye_is_cut_after_the_close_grace(string wire)
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:CloseGrace"] = "00:00:00.2" });
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        using var stuck = new TcpClient(AddressFamily.InterNetwork) { ReceiveBufferSize = 1024 };
        await stuck.ConnectAsync(IPAddress.Loopback, wire == "tcp" ? server.TcpPort : server.Server.HttpEndpoint.Port);
        var stream = stuck.GetStream();
        if (wire == "websocket")
            await RawWebSocket.UpgradeAsync(stream, server.Server.HttpEndpoint.Port);
        Task SendAsync(string request) => wire == "tcp"
            ? stream.WriteAsync(Encoding.UTF8.GetBytes(request + "\n")).AsTask()
            : stream.WriteAsync(RawWebSocket.MaskedText(request)).AsTask();
        await SendAsync("{\"id\":1,\"type\":\"register\",\"user\":\"stuck\",\"password\":\"password1\"}");
        await Until.TrueAsync(async () => await IsOnlineAsync(alice, "stuck"), "stuck is signed in");

        // About 6 MB for a client that reads nothing: more than the kernel buffers take (4 MB at
        // most here), less than its queue's bounds, so the server's writer waits with data queued.
        var body = new string('m', 3900);
        for (var sent = 0; sent < 1500; sent += 50)
            await Task.WhenAll(Enumerable.Range(sent, 50).Select(i => alice.OkAsync("send", new { room = "lobby", text = $"{i:D6} {body}" })));
        await Until.TrueAsync(() => MessagesOf(bob).Count >= 1500, "bob has every message");

        // A request past the size limit: the server answers, says goodbye behind what is queued and closes.
        await SendAsync(new string('x', 70 * 1024));
        // The reader ends at it (the user goes offline), but the writer waits on the peer. Whether
        // the server cut the connection shows only in how reading ends afterwards, so this waits
        // fifteen times the grace without reading rather than for a condition.
        await Until.TrueAsync(async () => !await IsOnlineAsync(alice, "stuck"), "stuck is offline");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var (tail, reset) = await ReadToEndAsync(stream).WaitAsync(TimeSpan.FromSeconds(30));
        // Cut, not left to drain: no goodbye after the backlog, which a peer left waiting reads in
        // the end. A WebSocket's writer gives up on the goodbye either way; its connection shows
        // the cut as a reset, where one left open would drain what Kestrel holds and end cleanly.
        Assert.DoesNotContain("\"type\":\"bye\"", tail, StringComparison.Ordinal);
        if (wire == "websocket")
            Assert.True(reset, "the connection ended cleanly: it was left to drain, not cut");
        Assert.True(await IsOnlineAsync(alice, "bob"));
    }

    /// <summary>The last 64 KiB read, and whether the stream ended with a reset rather than its end.</summary>
    private static async Task<(string Tail, bool Reset)> ReadToEndAsync(NetworkStream stream)
    {
        var buffer = new byte[64 * 1024];
        var tail = new List<byte>();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                tail.AddRange(buffer.AsSpan(0, read));
                if (tail.Count > buffer.Length)
                    tail.RemoveRange(0, tail.Count - buffer.Length);
            }
            return (Encoding.UTF8.GetString(tail.ToArray()), false);
        }
        catch (IOException)
        {
            return (Encoding.UTF8.GetString(tail.ToArray()), true);
        }
    }

    [Fact]
    public async Task A_reader_that_stops_reading_is_dropped_alone_and_the_others_get_every_message_in_order()
    {
        // A dropped reader stays signed in until its goodbye is written or the grace ends
        // (QueueBoundTests covers the goodbye): a short grace lets this loop see it go offline.
        await using var server = await TestServer.StartAsync(new() { ["Connections:OutboundQueueLimit"] = "64", ["Connections:SlowConsumerGrace"] = "00:00:00.5" });
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await using var carol = await server.ConnectWebSocketAsync();
        await carol.OkAsync("register", new { user = "carol", password = "password1" });

        // A client that signs in and then never reads a byte, with the smallest receive window it can get.
        using var slow = new TcpClient(AddressFamily.InterNetwork) { ReceiveBufferSize = 1024 };
        await slow.ConnectAsync(IPAddress.Loopback, server.TcpPort);
        var slowStream = slow.GetStream();
        await slowStream.WriteAsync(Encoding.UTF8.GetBytes("{\"id\":1,\"type\":\"register\",\"user\":\"slowpoke\",\"password\":\"password1\"}\n"));
        await Until.TrueAsync(async () => await IsOnlineAsync(alice, "slowpoke"), "slowpoke is signed in");

        var sentTexts = new Dictionary<long, string>();
        var body = new string('m', 3900);
        const int batch = 16;
        const int cap = 4000;
        while (sentTexts.Count < cap && await IsOnlineAsync(alice, "slowpoke"))
        {
            var texts = Enumerable.Range(sentTexts.Count, batch).Select(i => $"{i:D6} {body}").ToArray();
            var replies = await Task.WhenAll(texts.Select(text => alice.OkAsync("send", new { room = "lobby", text })));
            for (var i = 0; i < batch; i++)
                sentTexts.Add(replies[i].GetProperty("message").GetProperty("seq").GetInt64(), texts[i]);
            // The readers that keep up stay within a batch of the sender.
            var expected = sentTexts.Count;
            await Until.TrueAsync(() => MessagesOf(bob).Count >= expected && MessagesOf(carol).Count >= expected,
                $"bob and carol have {expected} messages");
        }
        Assert.False(await IsOnlineAsync(alice, "slowpoke"), $"slowpoke was still online after {cap} messages");
        output.WriteLine($"slowpoke was dropped after {sentTexts.Count} messages of ~{body.Length} bytes");

        // The hub shows it offline, and the server has closed its connection: draining what the
        // kernel buffered ends in end-of-stream or a reset, not in waiting forever.
        var members = (await alice.OkAsync("members", new { room = "lobby" })).GetProperty("members").EnumerateArray().ToList();
        var slowMember = Assert.Single(members, m => Text(m, "user") == "slowpoke");
        Assert.False(slowMember.GetProperty("online").GetBoolean());
        var closedByServer = false;
        using (var drainLimit = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (await slowStream.ReadAsync(buffer, drainLimit.Token) > 0)
                {
                }
                closedByServer = true;
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                closedByServer = true;
            }
            catch (OperationCanceledException)
            {
            }
        }
        Assert.True(closedByServer, "the slow connection was still open 20 s after it was dropped");

        // Everyone else got every message, once, in sequence order, with its text.
        var allSeqs = sentTexts.Keys.Order().ToList();
        Assert.Equal(Enumerable.Range(1, allSeqs.Count).Select(i => (long)i), allSeqs);
        foreach (var receiver in new ProtocolClient[] { bob, carol })
        {
            var heard = MessagesOf(receiver);
            Assert.Equal(allSeqs, heard.Select(m => m.GetProperty("seq").GetInt64()).ToList());
            Assert.All(heard, m => Assert.Equal(sentTexts[m.GetProperty("seq").GetInt64()], Text(m, "text")));
            Assert.False(receiver.Closed.IsCompleted);
            Assert.True(receiver.HasNo("bye"));
        }
        Assert.True(alice.HasNo("message", m => Text(m, "from") == "alice"));
        await AssertUndisturbedAsync(server, bob, carol, "bob", "carol");
    }
}
