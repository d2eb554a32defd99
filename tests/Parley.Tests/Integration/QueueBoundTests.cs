using System.Net;
using System.Net.Sockets;
using System.Text;
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
}
