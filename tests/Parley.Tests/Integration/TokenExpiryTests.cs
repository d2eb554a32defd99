using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parley.Core.Hub;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>Sign-in tokens expire after <c>Limits:TokenIdleLifetime</c> unused, on the server's (fake) clock, with either store.</summary>
public sealed class TokenExpiryTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Redis")]
    public async Task A_token_unused_for_the_idle_lifetime_is_refused_and_one_in_use_is_kept(string store)
    {
        var time = new FakeTimeProvider(Start);
        await using var redis = store == "Redis" ? await RedisServer.StartAsync() : null;
        var settings = new Dictionary<string, string?> { ["Limits:TokenIdleLifetime"] = "30.00:00:00" };
        if (redis is not null)
        {
            settings["Store"] = "Redis";
            settings["Redis"] = redis.Endpoint;
        }
        await using var server = await TestServer.StartAsync(settings, time: time);
        string used, idle;
        await using (var client = await server.ConnectAsync())
            used = (await client.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString()!;
        await using (var client = await server.ConnectAsync())
            idle = (await client.OkAsync("login", new { user = "alice", password = "password1" })).GetProperty("token").GetString()!;

        await AdvanceAsync(server, time, TimeSpan.FromDays(29));
        Assert.Equal("alice", await ResumeAsync(server, used));

        // Day 31: the idle token's 30 days are over; the other was used two days ago.
        await AdvanceAsync(server, time, TimeSpan.FromDays(2));
        Assert.Equal("bad_token", await RefusedAsync(server, idle));
        Assert.Equal("alice", await ResumeAsync(server, used));

        // Day 60: each use kept it; 30 days after its last one it is refused too, and stays so.
        await AdvanceAsync(server, time, TimeSpan.FromDays(29));
        Assert.Equal("alice", await ResumeAsync(server, used));
        await AdvanceAsync(server, time, TimeSpan.FromDays(30));
        Assert.Equal("bad_token", await RefusedAsync(server, used));
        Assert.Equal("bad_token", await RefusedAsync(server, used));
    }

    // The end of a session is a use of its token: each connection must have ended, at the time it
    // ended, before the clock moves on.
    private static async Task AdvanceAsync(TestServer server, FakeTimeProvider time, TimeSpan by)
    {
        var hub = server.Server.Services.GetRequiredService<ChatHub>();
        await Until.TrueAsync(() => !hub.IsOnline("alice"), "every session of alice ended");
        time.Advance(by);
    }

    private static async Task<string?> ResumeAsync(TestServer server, string token)
    {
        await using var client = await server.ConnectAsync();
        return (await client.OkAsync("resume", new { token })).GetProperty("user").GetString();
    }

    private static async Task<string> RefusedAsync(TestServer server, string token)
    {
        await using var client = await server.ConnectAsync();
        return await client.ErrorAsync("resume", new { token });
    }
}
