using System.Text;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>
/// Idle line connections wait for input either through the server's one epoll thread (the
/// default on Linux) or, with <c>Epoll</c> off, through the runtime's pending zero-byte receives.
/// Both must serve a connection the same way: talk, a half-close's last line, a stop's goodbye.
/// </summary>
public sealed class InputReadinessTests
{
    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task Connections_are_served_alike_whichever_way_they_wait_for_input(string epoll)
    {
        var server = await TestServer.StartAsync(new() { ["Epoll"] = epoll });
        await using var bob = await server.RegisterAsync("bob");
        await using (var alice = await server.RegisterAsync("alice"))
        {
            // Idle long enough that both connections are waiting, not still reading.
            await Task.Delay(100);
            await alice.OkAsync("send", new { room = "lobby", text = "hi bob" });
            Assert.Equal("hi bob", (await bob.NextAsync("message")).GetProperty("text").GetString());

            await alice.SendBytesAsync(Encoding.UTF8.GetBytes("{\"id\":\"last\",\"type\":\"ping\"}"));
            alice.ShutdownSend();
            await alice.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains(alice.Received, m => m.GetProperty("type").GetString() == "ok" && m.GetProperty("re").GetString() == "last");
        }
        await bob.NextAsync("presence", e => e.GetProperty("user").GetString() == "alice" && !e.GetProperty("online").GetBoolean());

        await server.DisposeAsync();
        Assert.Equal("shutdown", (await bob.NextAsync("bye")).GetProperty("reason").GetString());
        await bob.Closed.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
