using System.Text;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class FramingEdgeTests
{
    [Fact]
    public async Task A_last_line_without_newline_is_held_to_the_limit_too()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:MaxLineBytes"] = "40" });
        await using var client = await server.ConnectAsync();
        // 41 bytes: one over the limit, which a line still waiting for its "\r\n" may be; only the end of input decides.
        var line = "{\"id\":1,\"type\":\"ping\",\"pad\":\"" + new string('x', 10) + "\"}";
        Assert.Equal(41, Encoding.UTF8.GetByteCount(line));
        await client.SendBytesAsync(Encoding.UTF8.GetBytes(line));
        client.ShutdownSend();
        var error = await client.NextAsync("error");
        Assert.Equal("line_too_long", error.GetProperty("code").GetString());
        Assert.Equal("line_too_long", (await client.NextAsync("bye")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_last_line_within_the_limit_is_answered_after_a_half_close()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:MaxLineBytes"] = "40" });
        await using var client = await server.ConnectAsync();
        await client.SendBytesAsync(Encoding.UTF8.GetBytes("{\"id\":\"last\",\"type\":\"ping\"}"));
        client.ShutdownSend();
        await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        var reply = Assert.Single(client.Received);
        Assert.Equal(("ok", "last"), (reply.GetProperty("type").GetString(), reply.GetProperty("re").GetString()));
    }
}
