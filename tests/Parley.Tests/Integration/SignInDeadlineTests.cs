using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class SignInDeadlineTests
{
    [Fact]
    public async Task A_connection_that_never_signs_in_is_closed_and_one_that_did_stays()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:SignInTimeout"] = "00:00:03" });
        await using var idle = await server.ConnectAsync();
        await idle.OkAsync("ping");
        await using var member = await server.RegisterAsync("alice");

        Assert.Equal("sign_in_timeout", (await idle.NextAsync("bye")).GetProperty("reason").GetString());
        await idle.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        // Well past the deadline, the signed-in connection is still served.
        await Until.TrueAsync(() => idle.Closed.IsCompleted, "the idle one is closed");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await member.OkAsync("ping");
        Assert.False(member.Closed.IsCompleted);
    }
}
