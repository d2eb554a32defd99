using Parley.Cli.Commands;
using Parley.Client;
using Parley.Client.Model;
using Parley.Tests.Support;

namespace Parley.Tests.Chat;

/// <summary>`parley chat`'s /search and the client library's SearchAsync against the real server.</summary>
public sealed class ChatSearchTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Search_prints_hits_with_date_conversation_and_sender_and_pages_with_more()
    {
        await using var bob = await _server.RegisterAsync("bob");
        await (await _server.RegisterAsync("alice")).DisposeAsync();
        for (var i = 1; i <= 22; i++)
            await bob.OkAsync("send", new { room = "lobby", text = $"会议 number {i}" });
        await bob.OkAsync("send", new { to = "alice", text = "the 会议 is at ten" });
        var input = new LineInput();
        var output = new CapturedOutput();
        var error = new CapturedOutput();
        var settings = new ChatCommand.ChatSettings($"127.0.0.1:{_server.TcpPort}", "alice", "lobby", PasswordStdin: false, Register: false, "password1");
        var exit = Task.Run(() => ChatCommand.RunAsync(settings, input, output, error, interactive: false, CancellationToken.None));

        input.Send("/search 会议");
        await output.WaitForLineAsync("@bob bob: the 会议 is at ten");
        await output.WaitForLineAsync("-- /search more for older ones");
        // Hits carry their date; the 20 newest come first (the opened lobby's recent lines have none).
        Assert.Contains(output.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d{4}-\d\d-\d\d \d\d:\d\d \[\d+\] #lobby bob: 会议 number 4$"));
        Assert.DoesNotContain(output.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d{4}-.* number 3$"));
        input.Send("/search more");
        input.Send("/search nothing like it");
        await output.WaitForLineAsync("-- no message holds 'nothing like it'");
        Assert.Contains(output.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d{4}-.* number 1$"));
        Assert.Contains(output.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d{4}-.* number 3$"));
        input.Send("/search  ");
        await output.WaitForLineAsync("error: usage: /search TEXT");
        input.End();
        // A script with a refused line exits 1.
        Assert.Equal(1, await exit.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_client_library_searches_everywhere_or_in_one_conversation_and_pages()
    {
        await using var bob = await _server.RegisterAsync("bob");
        await using var client = await ParleyClient.ConnectAsync(new ParleyClientOptions { Server = $"127.0.0.1:{_server.TcpPort}" });
        await client.RegisterAsync("alice", "password1");
        // Hits are ordered by time, and messages of one millisecond by conversation: each is sent in a later millisecond.
        await client.SendAsync(Target.InRoom("lobby"), "Tokyo 東京 one");
        await Until.NextMillisecondAsync();
        await bob.OkAsync("send", new { to = "alice", text = "東京 two" });
        await Until.NextMillisecondAsync();
        await client.SendAsync(Target.InRoom("lobby"), "東京 three");

        var first = await client.SearchAsync("東京", limit: 2);
        Assert.Equal(["東京 three", "東京 two"], first.Messages.Select(m => m.Text));
        Assert.True(first.More);
        var second = await client.SearchAsync("東京", before: first.Next, limit: 2);
        Assert.Equal(["Tokyo 東京 one"], second.Messages.Select(m => m.Text));
        Assert.False(second.More);
        Assert.Null(second.Next);
        Assert.Equal("bob", Assert.Single((await client.SearchAsync("東京", Target.With("bob"))).Messages).From);
        Assert.Equal("tokyo", Assert.Single((await client.SearchAsync("TOKYO", Target.InRoom("lobby"))).Messages).Text[..5].ToLowerInvariant());
        var refused = await Assert.ThrowsAsync<ParleyException>(() => client.SearchAsync(" "));
        Assert.Equal("empty_text", refused.Code);
    }
}
