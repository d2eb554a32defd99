using Parley.Core.Model;
using static Parley.Tests.Integration.BadInput.BadInputChecks;

namespace Parley.Tests.Integration.BadInput;

/// <summary>Requests before sign-in, wrong credentials, and the throttle on repeated failed logins.</summary>
public sealed class AuthenticationTests : BadInputTestBase
{
    [Theory]
    [InlineData("send", "{\"room\":\"lobby\",\"text\":\"let me in\"}")]
    [InlineData("send", "{\"to\":\"alice\",\"text\":\"let me in\"}")]
    [InlineData("join", "{\"room\":\"lobby\"}")]
    [InlineData("leave", "{\"room\":\"lobby\"}")]
    [InlineData("create", "{\"room\":\"sneaky\"}")]
    [InlineData("rooms", "{}")]
    [InlineData("members", "{\"room\":\"lobby\"}")]
    [InlineData("online", "{}")]
    [InlineData("history", "{\"room\":\"lobby\"}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":1}")]
    [InlineData("topic", "{\"room\":\"lobby\",\"topic\":\"pwned\"}")]
    [InlineData("logout", "{}")]
    public async Task Requests_before_login_get_unauthenticated(string type, string fields)
    {
        await using var stranger = await Server.ConnectAsync();
        Assert.Equal(ErrorCodes.Unauthenticated, await stranger.ErrorAsync(type, Fields(fields)));
        await stranger.OkAsync("ping");
        await AssertUndisturbedAsync();
        Assert.True(Alice.HasNo("message", m => Text(m, "text") == "let me in"));
        Assert.True(Bob.HasNo("message", m => Text(m, "text") == "let me in"));
        Assert.True(Bob.HasNo("topic"));
        // The same connection may still sign in and then do it.
        await stranger.OkAsync("register", new { user = "latecomer", password = "password1" });
        await stranger.OkAsync("rooms");
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_bad_credentials_reply()
    {
        await using var stranger = await Server.ConnectAsync();
        var wrongPassword = await stranger.RequestAsync("login", new { user = "alice", password = "not-her-password" });
        var unknownUser = await stranger.RequestAsync("login", new { user = "nobody", password = "not-her-password" });
        Assert.Equal("error", Text(wrongPassword, "type"));
        Assert.Equal(ErrorCodes.BadCredentials, Text(wrongPassword, "code"));
        Assert.Equal(ErrorCodes.BadCredentials, Text(unknownUser, "code"));
        Assert.Equal(Text(wrongPassword, "message"), Text(unknownUser, "message"));
        // Nothing was signed in by the attempts.
        Assert.Equal(ErrorCodes.Unauthenticated, await stranger.ErrorAsync("rooms"));
        // The right password still works on the same connection.
        Assert.Equal("alice", Text(await stranger.OkAsync("login", new { user = "alice", password = "password1" }), "user"));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Repeated_failed_logins_reach_throttled_even_with_the_right_password()
    {
        await using var guesser = await Server.ConnectAsync();
        for (var attempt = 1; attempt <= 5; attempt++)
            Assert.Equal(ErrorCodes.BadCredentials, await guesser.ErrorAsync("login", new { user = "alice", password = $"guess{attempt:D4}" }));

        var refused = await guesser.RequestAsync("login", new { user = "alice", password = "password1" });
        Assert.Equal(ErrorCodes.Throttled, Text(refused, "code"));
        Assert.Contains("try again", Text(refused, "message"));
        Assert.Equal(ErrorCodes.Throttled, await guesser.ErrorAsync("login", new { user = "ALICE", password = "password1" }));
        await guesser.OkAsync("ping");

        // Another name is not held back, and alice's signed-in sessions carry on.
        await using var carol = await Server.RegisterAsync("carol");
        await using var carolAgain = await Server.ConnectAsync();
        await carolAgain.OkAsync("login", new { user = "carol", password = "password1" });
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Failed_logins_for_an_unknown_name_are_throttled_the_same_way()
    {
        await using var guesser = await Server.ConnectAsync();
        for (var attempt = 1; attempt <= 5; attempt++)
            Assert.Equal(ErrorCodes.BadCredentials, await guesser.ErrorAsync("login", new { user = "ghost", password = $"guess{attempt:D4}" }));
        Assert.Equal(ErrorCodes.Throttled, await guesser.ErrorAsync("login", new { user = "ghost", password = "guess9999" }));
        await AssertUndisturbedAsync();
    }
}
