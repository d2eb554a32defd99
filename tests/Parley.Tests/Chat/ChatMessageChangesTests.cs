using Parley.Cli.Chat;
using Parley.Cli.Commands;
using Parley.Client.Model;
using Parley.Tests.Support;

namespace Parley.Tests.Chat;

/// <summary>`parley chat`'s /reply, /edit, /recall, /react and /unreact, and the lines it prints for others' changes and mentions, against the real server.</summary>
public sealed class ChatMessageChangesTests : IAsyncLifetime
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
    public async Task Reply_edit_react_and_recall_from_the_terminal_and_the_lines_for_others_changes()
    {
        await using var bob = await _server.RegisterAsync("bob");
        var alice = Start("alice");
        try
        {
            await Run(bob, alice);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; alice's output:\n{alice.Output.Text}", ex);
        }
    }

    private static async Task Run(LineClient bob, Running alice)
    {
        await bob.NextAsync("presence", p => p.GetProperty("user").GetString() == "alice");
        // A message that calls alice is marked (highlighted on a terminal, with the bell).
        var asked = (await bob.OkAsync("send", new { room = "lobby", text = "lunch, @alice?" })).GetProperty("message").GetProperty("seq").GetInt64();
        await alice.Output.WaitForLineAsync($"[{asked}] #lobby bob: lunch, @alice? (mentions you)");

        alice.Input.Send($"/reply {asked} sure");
        var reply = await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "sure");
        Assert.Equal(asked, reply.GetProperty("replyTo").GetInt64());
        var sure = reply.GetProperty("seq").GetInt64();
        await alice.Output.WaitForLineAsync($"[{sure}] #lobby alice: ↪ [{asked}] bob: lunch, @alice? sure");

        alice.Input.Send($"/edit {sure} sure, at noon");
        Assert.Equal("sure, at noon", (await bob.NextAsync("edit")).GetProperty("message").GetProperty("text").GetString());
        await alice.Output.WaitForLineAsync($"you edited [{sure}] in #lobby: sure, at noon");
        alice.Input.Send($"/react {asked} 👍");
        var reacted = await bob.NextAsync("react");
        Assert.Equal(("alice", "👍", true), (reacted.GetProperty("by").GetString(), reacted.GetProperty("emoji").GetString(), reacted.GetProperty("on").GetBoolean()));
        await alice.Output.WaitForLineAsync($"you reacted 👍 to [{asked}] in #lobby · 👍 1");
        alice.Input.Send($"/unreact {asked} 👍");
        Assert.False((await bob.NextAsync("react")).GetProperty("on").GetBoolean());

        // Bob's changes, as lines.
        await bob.OkAsync("edit", new { room = "lobby", seq = asked, text = "lunch at noon, @alice?" });
        await alice.Output.WaitForLineAsync($"-- bob edited [{asked}] in #lobby: lunch at noon, @alice?");
        await bob.OkAsync("react", new { room = "lobby", seq = sure, emoji = "🎉" });
        await alice.Output.WaitForLineAsync($"-- bob reacted 🎉 to [{sure}] in #lobby · 🎉 1");
        await bob.OkAsync("recall", new { room = "lobby", seq = asked });
        await alice.Output.WaitForLineAsync($"-- bob recalled [{asked}] in #lobby");

        alice.Input.Send($"/recall {sure}");
        Assert.Equal("alice", (await bob.NextAsync("recall")).GetProperty("by").GetString());
        await alice.Output.WaitForLineAsync($"you recalled [{sure}] in #lobby");
        alice.Input.Send("/history 5");
        await alice.Output.WaitForLineAsync($"[{sure}] #lobby You recalled a message");
        await alice.Output.WaitForLineAsync($"[{asked}] #lobby bob recalled a message");

        // Bad numbers and refusals say so; the script then exits 1.
        alice.Input.Send("/edit twelve hello");
        alice.Input.Send($"/edit {asked} hello");
        alice.Input.Send("/react 1 ok");
        alice.Input.End();
        Assert.Equal(1, await alice.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(alice.Output.Lines, l => l.StartsWith("error: usage: /edit SEQ TEXT", StringComparison.Ordinal));
        Assert.Contains(alice.Output.Lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.EndsWith("[no_such_message]", StringComparison.Ordinal));
        Assert.Contains(alice.Output.Lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.EndsWith("[bad_emoji]", StringComparison.Ordinal));
        Assert.Equal("", alice.Error.Text);
    }

    [Fact]
    public void The_formatter_shows_the_number_a_quote_edits_reactions_and_recalls()
    {
        var format = new MessageFormatter("alice", colour: false);
        var at = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var time = at.ToLocalTime().ToString("HH:mm");
        var original = new ChatMessage("id1", 4, at, "bob", "lobby", null, "first line\nsecond line");
        var reply = new ChatMessage("id2", 5, at, "carol", "lobby", null, "agreed @alice")
        {
            ReplyTo = 4, Mentions = ["alice"], Edited = at, Reactions = [new Reaction("👍", ["bob", "dave"])],
        };
        Assert.Equal($"{time} [5] #lobby carol: ↪ [4] bob: first line agreed @alice (edited) · 👍 2 (mentions you)", format.Message(reply, quoted: original));
        Assert.Equal($"{time} [5] #lobby carol: ↪ [4] agreed @alice (edited) · 👍 2 (mentions you)", format.Message(reply));
        Assert.True(format.MentionsMe(reply with { Mentions = [], MentionsAll = true }));
        Assert.False(format.MentionsMe(reply with { From = "alice" }));
        var recalled = original with { Text = "", Recalled = true, RecalledBy = "carol" };
        Assert.Equal($"-- {time} [4] #lobby carol recalled bob's message", format.Message(recalled));
        Assert.Equal($"-- {time} [4] #lobby You recalled a message", format.Message(recalled with { From = "alice", RecalledBy = "alice" }));
    }
}
