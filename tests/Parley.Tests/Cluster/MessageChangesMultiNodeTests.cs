using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Cluster;

/// <summary>Edits, recalls, reactions, replies and mentions across two real nodes on one real redis-server.</summary>
public sealed class MessageChangesMultiNodeTests : TwoRedisNodes
{
    private static JsonElement Message(JsonElement reply) => reply.GetProperty("message");

    [Fact]
    public async Task Changes_made_on_one_node_reach_the_other_and_its_catch_up()
    {
        await using var alice = await A.RegisterAsync("alice");
        await using var bob = await B.RegisterAsync("bob");
        await alice.OkAsync("create", new { room = "Dev" });
        await bob.OkAsync("join", new { room = "Dev" });

        var question = Message(await alice.OkAsync("send", new { room = "Dev", text = "who's in?" })).GetProperty("seq").GetInt64();
        await bob.NextAsync("message");
        // A reply and its mentions travel with the message to the other node.
        var reply = Message(await bob.OkAsync("send", new { room = "Dev", text = "@alice me", replyTo = question })).GetProperty("seq").GetInt64();
        var received = await alice.NextAsync("message");
        Assert.Equal(question, received.GetProperty("replyTo").GetInt64());
        Assert.Equal(["alice"], received.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));

        await alice.OkAsync("react", new { room = "Dev", seq = reply, emoji = "🙌" });
        var reacted = await bob.NextAsync("react");
        Assert.Equal("🙌", Message(reacted).GetProperty("reactions")[0].GetProperty("emoji").GetString());
        await alice.OkAsync("edit", new { room = "Dev", seq = question, text = "who is in?" });
        Assert.Equal("who is in?", Message(await bob.NextAsync("edit")).GetProperty("text").GetString());
        await bob.OkAsync("recall", new { room = "Dev", seq = reply });
        Assert.True(Message(await alice.NextAsync("recall")).GetProperty("recalled").GetBoolean());

        // Either node answers the catch-up from the one store.
        var onA = (await alice.OkAsync("changes", new { room = "Dev" })).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("rev").GetInt64());
        var onB = (await bob.OkAsync("changes", new { room = "Dev" })).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("rev").GetInt64());
        Assert.Equal([2L, 3], onA);
        Assert.Equal(onA, onB);
    }

    [Fact]
    public async Task Irc_clients_on_the_other_node_get_replies_tagged_and_recalls_as_REDACT_and_theirs_come_back()
    {
        await using var alice = await A.RegisterAsync("alice");
        await (await A.RegisterAsync("bob")).DisposeAsync();
        await alice.OkAsync("create", new { room = "Dev" });
        await using var bob = await IrcClient.SignInAsync(B.IrcPort, "bob", "password1", "message-tags", "echo-message", "draft/message-redaction");
        await bob.SendAsync("JOIN #Dev");
        await bob.NextAsync(l => l.Contains(" 366 bob #Dev "));

        var question = Message(await alice.OkAsync("send", new { room = "Dev", text = "who's in?" }));
        var (q, qid) = (question.GetProperty("seq").GetInt64(), question.GetProperty("id").GetString());
        await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :who's in?"));
        // Node b reads the parent's id from the store before it hands the reply on.
        await alice.OkAsync("send", new { room = "Dev", text = "anyone?", replyTo = q });
        Assert.Matches($";\\+draft/reply={qid};\\+reply={qid} :alice!alice@parley PRIVMSG #Dev :anyone\\?$", await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :anyone?")));

        await bob.SendAsync($"@+reply={qid} PRIVMSG #Dev :me");
        Assert.Equal(q, (await alice.NextAsync("message")).GetProperty("replyTo").GetInt64());
        var echo = await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :me"));
        var msgid = echo[(echo.IndexOf("msgid=", StringComparison.Ordinal) + 6)..].Split(';', ' ')[0];

        await alice.OkAsync("recall", new { room = "Dev", seq = q });
        await bob.NextAsync(l => l.EndsWith($" :alice!alice@parley REDACT #Dev {qid}"));
        await bob.SendAsync($"REDACT #Dev {msgid} :not that");
        await bob.NextAsync(l => l.EndsWith($" :bob!bob@parley REDACT #Dev {msgid} :not that"));
        var recall = await alice.NextAsync("recall");
        Assert.Equal(("bob", "not that"), (recall.GetProperty("by").GetString(), recall.GetProperty("reason").GetString()));
    }
}
