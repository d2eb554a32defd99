using Parley.Client;
using Parley.Client.Model;
using Parley.Tests.Support;

namespace Parley.Tests.Client;

/// <summary>The client library's sign-in hardening calls: registering with an invitation code, signing out everywhere.</summary>
public sealed class ParleyClientAccountTests
{
    private static Task<ParleyClient> Connect(TestServer server) =>
        ParleyClient.ConnectAsync(new ParleyClientOptions { Server = $"127.0.0.1:{server.TcpPort}", ReconnectDelay = TimeSpan.FromMilliseconds(100) });

    [Fact]
    public async Task A_client_registers_with_an_invitation_and_signs_out_everywhere()
    {
        await using var server = await TestServer.StartAsync(new() { ["Registration"] = "invite" });
        await using var admin = await AdminSocketLineClient.ConnectAsync(server.DataDirectory);
        var code = (await admin.OkAsync("admin.invite", new { })).GetProperty("code").GetString()!;

        await using var first = await Connect(server);
        var refused = await Assert.ThrowsAsync<ParleyException>(() => first.RegisterAsync("alice", "password1"));
        Assert.Equal("bad_invitation", refused.Code);
        var session = await first.RegisterAsync("alice", "password1", code);
        await using var second = await Connect(server);
        await second.LoginAsync("alice", "password1");

        await first.LogoutEverywhereAsync();
        using var timeout = new CancellationTokenSource(ProtocolClient.ReplyTimeout);
        await foreach (var e in second.Events.ReadAllAsync(timeout.Token))
        {
            if (e is ServerBye { Reason: "signed_out" })
                break;
        }
        await using var third = await Connect(server);
        var stale = await Assert.ThrowsAsync<ParleyException>(() => third.ResumeAsync(session.Token!));
        Assert.Equal("bad_token", stale.Code);
    }
}
