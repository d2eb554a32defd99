using Parley.Client;
using Parley.Client.Model;
using Parley.Tests.Support;

namespace Parley.Tests.Client;

/// <summary>The client library's typing indicators and read receipts, against the real server.</summary>
public sealed class ParleyClientTypingTests
{
    private static async Task<ParleyClient> SignInAsync(TestServer server, string user, bool webSocket = false)
    {
        var client = await ParleyClient.ConnectAsync(new ParleyClientOptions
        {
            Server = $"127.0.0.1:{server.TcpPort}",
            WebSocketUri = webSocket ? server.WebSocketUri : null,
        });
        await client.RegisterAsync(user, "password1");
        return client;
    }

    private static async Task<T> Next<T>(ParleyClient client, Func<T, bool>? match = null) where T : ClientEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await foreach (var e in client.Events.ReadAllAsync(timeout.Token))
        {
            if (e is T wanted && (match is null || match(wanted)))
                return wanted;
        }
        throw new InvalidOperationException("the client closed");
    }

    [Fact]
    public async Task Typing_and_receipts_arrive_as_events_with_the_conversation_as_the_receiver_sees_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await SignInAsync(server, "alice");
        await using var bob = await SignInAsync(server, "bob", webSocket: true);

        await alice.SendTypingAsync(Target.InRoom("lobby"));
        var inRoom = await Next<Typing>(bob);
        Assert.Equal((Target.InRoom("lobby"), "alice", true), (inRoom.Target, inRoom.User, inRoom.IsActive));

        await alice.SendTypingAsync(Target.With("bob"));
        var direct = await Next<Typing>(bob);
        Assert.Equal((Target.With("alice"), "alice"), (direct.Target, direct.User));
        await alice.SendTypingAsync(Target.With("bob"), "done");
        Assert.Equal("done", (await Next<Typing>(bob)).State);

        var sent = await alice.SendAsync(Target.With("bob"), "hello");
        Assert.Equal(0, (await alice.HistoryAsync(Target.With("bob"))).PeerRead);
        Assert.Null((await alice.HistoryAsync(Target.InRoom("lobby"))).PeerRead);
        await bob.MarkReadAsync(Target.With("alice"), sent.Seq);
        Assert.Equal(new ReadReceipt("bob", sent.Seq), await Next<ReadReceipt>(alice));
        Assert.Equal(sent.Seq, (await alice.HistoryAsync(Target.With("bob"))).PeerRead);
    }
}
