using Parley.Cli.Commands;
using Parley.Tests.Support;

namespace Parley.Tests.Chat;

/// <summary>`parley chat`'s people commands (/find, /who NAME, /display, /status, /block, /unblock, /switch @USER) against the real server.</summary>
public sealed class ChatPeopleTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed record Running(LineInput Input, CapturedOutput Output, CapturedOutput Error, Task<int> Exit);

    private Running Start(string user)
    {
        var input = new LineInput();
        var output = new CapturedOutput();
        var error = new CapturedOutput();
        var settings = new ChatCommand.ChatSettings($"127.0.0.1:{_server.TcpPort}", user, "lobby", PasswordStdin: false, Register: true, "password1");
        var exit = Task.Run(() => ChatCommand.RunAsync(settings, input, output, error, interactive: false, CancellationToken.None));
        return new Running(input, output, error, exit);
    }

    [Fact]
    public async Task Find_profiles_blocks_and_an_opened_dm_from_the_terminal()
    {
        await using var eve = await _server.RegisterAsync("eve");
        await using var bob = await _server.RegisterAsync("bob");
        await bob.OkAsync("profile", new { display = "Bob B.", status = "building" });
        var alice = Start("alice");

        alice.Input.Send("/find E");
        await alice.Output.WaitForLineAsync("eve: online");
        alice.Input.Send("/who bob");
        await alice.Output.WaitForLineAsync("bob (Bob B.): online — building");
        alice.Input.Send("/display Ålice");
        await alice.Output.WaitForLineAsync("your display name: Ålice");
        Assert.Equal("Ålice", (await bob.NextAsync("profile")).GetProperty("display").GetString());

        alice.Input.Send("/block eve");
        await alice.Output.WaitForLineAsync("blocked eve");
        await eve.OkAsync("send", new { room = "lobby", text = "spam spam" });
        await alice.Output.WaitForLineAsync("a message from eve (blocked) is hidden");
        Assert.Equal("blocked", await eve.ErrorAsync("send", new { to = "alice", text = "psst" }));
        alice.Input.Send("/unblock eve");
        await alice.Output.WaitForLineAsync("unblocked eve");
        await eve.OkAsync("send", new { room = "lobby", text = "sorry" });
        await alice.Output.WaitForLineAsync("#lobby eve: sorry");

        alice.Input.Send("/switch @BOB");
        alice.Input.End();
        Assert.Equal(0, await alice.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("", alice.Error.Text);
        Assert.DoesNotContain(alice.Output.Lines, l => l.Contains("spam spam", StringComparison.Ordinal));

        // The DM switched to, with no message in it, is in alice's list at her next sign-in.
        await using var again = await _server.ConnectAsync();
        var signedIn = await again.OkAsync("login", new { user = "alice", password = "password1" });
        Assert.Equal("bob", Assert.Single(signedIn.GetProperty("dms").EnumerateArray()).GetProperty("with").GetString());
    }
}
