using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class QueueBoundTests
{
    [Fact]
    public async Task A_client_that_pipelines_big_replies_and_never_reads_is_dropped_at_the_byte_bound()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:MaxQueuedBytes"] = "1000000" });
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

        await Until.TrueAsync(async () => !(await alice.OkAsync("online")).GetProperty("users").EnumerateArray().Any(u => u.GetString() == "greedy"),
            "greedy is dropped as too slow");
        await alice.OkAsync("send", new { room = "lobby", text = "still fine" });
    }

    /// <summary>
    /// A member that stops reading while its room is busy (docs/reliability.md, "Slow consumer"):
    /// it alone is dropped, whatever the others read they get in full and in order, and after it
    /// reconnects it catches up on everything it missed through history.
    /// </summary>
    [Fact]
    public async Task A_member_that_stops_reading_in_a_busy_room_is_dropped_alone_and_catches_up_after_it_reconnects()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:OutboundQueueLimit"] = "64" });
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
        var text = new string('€', 3990);
        var sent = new List<long>();
        async Task<bool> SleeperOnlineAsync() =>
            (await alice.OkAsync("online")).GetProperty("users").EnumerateArray().Any(u => u.GetString() == "sleeper");
        while (await SleeperOnlineAsync())
        {
            Assert.True(sent.Count < 5000, "the sleeper was never dropped");
            for (var i = 0; i < 20; i++)
                sent.Add((await alice.OkAsync("send", new { room = "lobby", text = $"{sent.Count} {text}" })).GetProperty("message").GetProperty("seq").GetInt64());
        }
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

        // Its connection is gone: reading meets its end, after what the kernel had taken already
        // (the socket's buffers, which the sleeper's tiny window reads a little at a time).
        await ReadToEndAsync(stream).WaitAsync(TimeSpan.FromSeconds(60));

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

    private static async Task ReadToEndAsync(NetworkStream stream)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset rather than closed: ended all the same.
        }
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
