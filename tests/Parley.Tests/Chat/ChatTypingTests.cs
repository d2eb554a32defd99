using Parley.Cli.Chat;
using Parley.Client;
using Parley.Client.Model;
using Parley.Tests.Support;

namespace Parley.Tests.Chat;

/// <summary>`parley chat`'s typing status and read receipts: <see cref="ChatApp"/> with a view that records what it shows, against the real server.</summary>
public sealed class ChatTypingTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed class RecordingView : IChatView
    {
        private readonly List<string> _lines = [];
        private volatile string? _status;

        public string? Status => _status;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                    return [.. _lines];
            }
        }

        public void Print(string line)
        {
            lock (_lines)
                _lines.Add(line);
        }

        public void SetPrompt(string prompt)
        {
        }

        public void SetStatus(string? status) => _status = status;
    }

    [Fact]
    public async Task The_terminal_shows_who_is_typing_sends_its_own_typing_and_says_when_a_message_is_read()
    {
        await using var bob = await _server.RegisterAsync("bob");
        await using var client = await ParleyClient.ConnectAsync(new ParleyClientOptions { Server = $"127.0.0.1:{_server.TcpPort}" });
        var session = await client.RegisterAsync("alice", "password1");
        var view = new RecordingView();
        var app = new ChatApp(client, view, new MessageFormatter("alice", colour: false), interactive: true);
        await app.StartAsync(session, "lobby");
        var events = app.PumpEventsAsync();

        // bob types in the lobby (the current conversation): shown until his message comes.
        await bob.OkAsync("typing", new { room = "lobby" });
        await Until.TrueAsync(() => view.Status == "bob is typing…", "alice sees bob typing");
        await bob.OkAsync("send", new { room = "lobby", text = "hi" });
        await Until.TrueAsync(() => view.Status is null, "bob's message clears it");

        // alice types: bob hears it once however many keys she presses within 3 s; a command is not typing.
        app.UserTyped("/jo");
        app.UserTyped("h");
        app.UserTyped("he");
        app.UserTyped("hel");
        var typing = await bob.NextAsync("typing");
        Assert.Equal(("lobby", "alice"), (typing.GetProperty("room").GetString(), typing.GetProperty("user").GetString()));
        await app.HandleLineAsync("/msg bob are you there?");
        await app.HandleLineAsync("hello");
        await bob.NextAsync("message", e => e.GetProperty("text").GetString() == "hello");
        Assert.Single(bob.Received, e => e.GetProperty("type").GetString() == "typing");

        // bob reads alice's direct message: one line says so.
        var dm = await bob.NextAsync("message", e => e.GetProperty("text").GetString() == "are you there?");
        await bob.OkAsync("read", new { with = "alice", seq = dm.GetProperty("seq").GetInt64() });
        await Until.TrueAsync(() => view.Lines.Any(l => l == "-- @bob read your message (read)"), "alice sees her message read");

        await client.DisposeAsync();
        await events;
    }
}
