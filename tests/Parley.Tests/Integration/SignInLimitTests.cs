using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class SignInLimitTests
{
    [Fact]
    public async Task One_connection_cannot_spend_the_server_on_password_hashes()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:SignInBurst"] = "3", ["Limits:SignInPerSecond"] = "0.01" });
        await using var guesser = await server.ConnectAsync();
        for (var i = 0; i < 3; i++)
            Assert.Equal("bad_credentials", await guesser.ErrorAsync("login", new { user = $"name{i}", password = "password1" }));
        Assert.Equal("rate_limited", await guesser.ErrorAsync("login", new { user = "name9", password = "password1" }));
        Assert.Equal("rate_limited", await guesser.ErrorAsync("register", new { user = "newcomer", password = "password1" }));

        // Another connection has its own budget.
        await using var other = await server.ConnectAsync();
        await other.OkAsync("register", new { user = "newcomer", password = "password1" });
    }
}
