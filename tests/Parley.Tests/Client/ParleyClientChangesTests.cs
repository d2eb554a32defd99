using Parley.Client;
using Parley.Client.Model;
using Parley.Tests.Support;

namespace Parley.Tests.Client;

/// <summary>The client library's replies, mentions, edits, recalls and reactions against the real server.</summary>
public sealed class ParleyClientChangesTests
{
    private static Task<ParleyClient> Connect(TestServer server, bool webSocket = false) =>
        ParleyClient.ConnectAsync(new ParleyClientOptions
        {
            Server = $"127.0.0.1:{server.TcpPort}",
            WebSocketUri = webSocket ? server.WebSocketUri : null,
        });

    private static async Task<T> Next<T>(ParleyClient client) where T : ClientEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await foreach (var e in client.Events.ReadAllAsync(timeout.Token))
        {
            if (e is T wanted)
                return wanted;
        }
        throw new InvalidOperationException("the client closed");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reply_with_a_mention_then_its_edit_reaction_and_recall_reach_the_other_client(bool webSocket)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await Connect(server, webSocket);
        await alice.RegisterAsync("alice", "password1");
        await using var bob = await Connect(server, webSocket);
        await bob.RegisterAsync("bob", "password1");
        var lobby = Target.InRoom("lobby");

        var question = await alice.SendAsync(lobby, "tea?");
        var answer = await bob.SendAsync(lobby, "yes @alice", replyTo: question.Seq);
        Assert.Equal(["alice"], answer.Mentions);
        var received = (await Next<MessageReceived>(alice)).Message;
        while (received.Seq != answer.Seq)
            received = (await Next<MessageReceived>(alice)).Message;
        Assert.Equal((question.Seq, true), (received.ReplyTo, received.Mentioned("alice")));

        var edited = await bob.EditAsync(lobby, answer.Seq, "yes please @alice");
        Assert.NotNull(edited.Edited);
        var edit = await Next<MessageEdited>(alice);
        Assert.Equal(("bob", "yes please @alice", edited.Rev), (edit.By, edit.Message.Text, edit.Message.Rev));

        var reacted = await alice.ReactAsync(lobby, answer.Seq, "👍");
        Assert.Equal(("👍", "alice"), (reacted.Reactions[0].Emoji, string.Join(",", reacted.Reactions[0].Users)));
        var reaction = await Next<ReactionChanged>(bob);
        Assert.Equal(("alice", "👍", true), (reaction.By, reaction.Emoji, reaction.On));
        Assert.True(reaction.Message.Rev > edit.Message.Rev);

        var recalled = await bob.RecallAsync(lobby, answer.Seq);
        Assert.Equal((true, "bob", ""), (recalled.Recalled, recalled.RecalledBy, recalled.Text));
        var recall = await Next<MessageRecalled>(alice);
        Assert.Equal(("bob", true), (recall.By, recall.Message.Recalled));
        Assert.Empty(recall.Message.Reactions);

        // History and changes give the message as it is now: no text.
        var inHistory = (await alice.HistoryAsync(lobby)).Messages.Single(m => m.Seq == answer.Seq);
        // A recall takes what came from the text with it: the reply and the mentions.
        Assert.Equal((true, "", (long?)null), (inHistory.Recalled, inHistory.Text, inHistory.ReplyTo));
        var changes = await alice.ChangesAsync(lobby, after: edit.Message.Rev);
        Assert.Equal(answer.Seq, Assert.Single(changes.Messages).Seq);
        Assert.False(changes.More);

        var refused = await Assert.ThrowsAsync<ParleyException>(() => alice.EditAsync(lobby, question.Seq + 100, "no"));
        Assert.Equal("no_such_message", refused.Code);
        Assert.Equal("bad_emoji", (await Assert.ThrowsAsync<ParleyException>(() => alice.ReactAsync(lobby, question.Seq, "ok"))).Code);
    }
}
