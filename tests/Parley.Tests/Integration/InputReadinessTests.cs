using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Hosting;
using Parley.Server.Transports.Sockets;
using System.Text;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>
/// Idle line connections wait for input either through the server's one epoll thread (the
/// <c>epoll</c> transport, the default on Linux) or, with the <c>sockets</c> transport, through
/// the runtime's pending zero-byte receives.
/// Both must serve a connection the same way: talk, a half-close's last line, a stop's goodbye.
/// </summary>
public sealed class InputReadinessTests
{
    [Theory]
    [InlineData("epoll")]
    [InlineData("sockets")]
    public async Task Connections_are_served_alike_whichever_way_they_wait_for_input(string transport)
    {
        var server = await TestServer.StartAsync(new() { ["Transport"] = transport });
        await using var bob = await server.RegisterAsync("bob");
        await using (var alice = await server.RegisterAsync("alice"))
        {
            // No sleep: a connection's reader goes back to waiting for input as soon as it has
            // answered the last request, and every request below is sent only after the one
            // before it was answered, so each finds its connection waiting, not still reading.
            // (Nothing outside the transport shows that state; a reader that had not yet got
            // back to waiting would read the request itself, which passes too.)
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

    [Fact]
    public async Task Input_that_arrives_after_a_busy_spell_is_still_noticed()
    {
        // While input keeps coming, the thread pool polls for it; once a poll finds nothing, the
        // epoll thread must take over again, or a connection that speaks after a lull is never read.
        await using var server = await TestServer.StartAsync(new() { ["Transport"] = "epoll", ["Connections:RateBurst"] = "100000" });
        var readiness = server.Server.Services.GetRequiredService<EpollReadiness>();
        await using var quiet = await server.RegisterAsync("quiet");
        var senders = new List<LineClient>();
        for (var i = 0; i < 4; i++)
            senders.Add(await server.RegisterAsync($"busy{i}"));
        try
        {
            var burst = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 200).Select(n => $"{{\"id\":\"b{n}\",\"type\":\"send\",\"room\":\"lobby\",\"text\":\"m{n}\"}}\n")));
            for (var round = 0; round < 3; round++)
            {
                await Task.WhenAll(senders.Select(s => s.SendBytesAsync(burst)));
                foreach (var sender in senders)
                    await sender.NextAsync("ok", m => m.GetProperty("re").GetString() == "b199");
                // The next input must come after the thread pool's polls have found nothing and
                // handed polling back to the epoll thread: a server that never hands it back fails here.
                await Until.TrueAsync(() => readiness.PolledByThread, "polling is handed back to the epoll thread");
                Assert.Equal("ok", (await quiet.RequestAsync("ping")).GetProperty("type").GetString());
            }
        }
        finally
        {
            foreach (var sender in senders)
                await sender.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_failed_part_stops_the_server_and_says_why()
    {
        // What the epoll thread does when epoll_wait fails (EpollReadinessTests): the whole server stops.
        var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");

        server.Server.Services.GetRequiredService<ServerFault>().StopServer("epoll_wait failed (errno 9)");

        await server.Server.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("epoll_wait failed (errno 9)", server.Server.Fault);
        Assert.Equal("shutdown", (await bob.NextAsync("bye")).GetProperty("reason").GetString());
        await server.DisposeAsync();
    }
}
