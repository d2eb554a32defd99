using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class SignInDeadlineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_connection_that_never_signs_in_is_closed_at_the_deadline_and_one_that_did_stays()
    {
        // The server runs on a fake clock: the deadline passes when the test advances it, never
        // while the test waits, so a busy machine cannot move it.
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(new() { ["Connections:SignInTimeout"] = "00:00:03" }, time: clock);
        await using var idle = await server.ConnectAsync();
        await idle.OkAsync("ping"); // answered, so its session and its deadline exist
        // Signed in before the reply is sent, so its deadline is already dropped.
        await using var member = await server.RegisterAsync("alice");

        // A moment short of the deadline the idle connection is still served.
        clock.Advance(Deadline - TimeSpan.FromMilliseconds(1));
        await idle.OkAsync("ping");
        Assert.True(idle.HasNo("bye"), "the idle connection was closed before its deadline");

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("sign_in_timeout", (await idle.NextAsync("bye")).GetProperty("reason").GetString());
        await idle.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        // Long past the deadline, the signed-in connection is still served.
        clock.Advance(TimeSpan.FromHours(1));
        await member.OkAsync("ping");
        Assert.False(member.Closed.IsCompleted);
        Assert.True(member.HasNo("bye"), "the signed-in connection was sent a bye");
    }
}
