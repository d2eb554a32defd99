using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>
/// Issue 29 on IRC, against the real server: recalls as REDACT (draft/message-redaction) both
/// ways with the NOTICE for clients without it, the spec's refusals, and replies as <c>+reply</c>
/// and <c>+draft/reply</c> both ways, live and in history.
/// </summary>
public sealed class IrcMessageChangesTests : IAsyncLifetime
{
    private const string Redaction = "draft/message-redaction";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(new() { ["Limits:RecallWindow"] = "00:00:30" }, time: _time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Dictionary<string, string> Tags(string line) =>
        line.StartsWith('@')
            ? line[1..line.IndexOf(' ')].Split(';').Select(t => t.Split('=', 2)).ToDictionary(t => t[0], t => t.Length > 1 ? t[1] : "")
            : [];

    private static string MsgId(string line) => Tags(line)["msgid"];

    private static JsonElement Message(JsonElement reply) => reply.GetProperty("message");

    /// <summary>An IRC client signed in to an account made first, in #Dev (made by alice, natively, beforehand).</summary>
    private async Task<IrcClient> InDevAsync(string nick, params string[] caps)
    {
        var client = await IrcClient.SignInAsync(_server.IrcPort, nick, "password1", caps);
        await client.SendAsync("JOIN #Dev");
        await client.NextAsync(l => l.Contains($" 366 {nick} #Dev "));
        return client;
    }

    /// <summary>Waits until the server has answered everything sent before (a PONG comes after it).</summary>
    private static async Task SyncAsync(IrcClient client, string token)
    {
        await client.SendAsync($"PING {token}");
        await client.NextAsync(l => l == $":parley PONG parley :{token}");
    }

    /// <summary>What the server sends in answer to a line, up to a PONG sent after it.</summary>
    private static async Task<List<string>> AnswerAsync(IrcClient client, string line)
    {
        var before = client.Lines.Count;
        await client.SendAsync(line);
        await SyncAsync(client, "answered");
        return client.Lines.Skip(before).ToList();
    }

    [Fact]
    public async Task A_recall_reaches_clients_with_message_redaction_as_REDACT_and_the_others_as_a_NOTICE()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var bob = await _server.RegisterAsync("bob");
        await using var carol = await _server.RegisterAsync("carol");
        await alice.OkAsync("create", new { room = "Dev" });
        await bob.OkAsync("join", new { room = "Dev" });
        await carol.OkAsync("join", new { room = "Dev" });
        await using var redacting = await InDevAsync("bob", "message-tags", Redaction);
        await using var plain = await InDevAsync("carol");

        var oops = Message(await alice.OkAsync("send", new { room = "Dev", text = "oops" }));
        var id = oops.GetProperty("id").GetString();
        await redacting.NextAsync(l => l.EndsWith("PRIVMSG #Dev :oops"));
        await plain.NextAsync(l => l.EndsWith("PRIVMSG #Dev :oops"));
        await alice.OkAsync("recall", new { room = "Dev", seq = oops.GetProperty("seq").GetInt64() });

        var redact = await redacting.NextAsync(l => IrcClient.Numeric(l) is "REDACT" or "NOTICE");
        Assert.Matches($"^@time=2026-12-08T09:00:00.000Z;msgid={id}-[0-9]+ :alice!alice@parley REDACT #Dev {id}$", redact);
        await plain.NextAsync(l => l == ":alice!alice@parley NOTICE #Dev :* alice recalled a message");

        // A room admin's recall of another's message is a REDACT from the admin.
        var spamSeq = Message(await bob.OkAsync("send", new { room = "Dev", text = "buy now" })).GetProperty("seq").GetInt64();
        var spam = MsgId(await redacting.NextAsync(l => l.EndsWith("PRIVMSG #Dev :buy now")));
        await alice.OkAsync("recall", new { room = "Dev", seq = spamSeq });
        await redacting.NextAsync(l => l.EndsWith($" :alice!alice@parley REDACT #Dev {spam}"));
        await plain.NextAsync(l => l == ":alice!alice@parley NOTICE #Dev :* alice recalled a message");
        await SyncAsync(redacting, "done");
        Assert.DoesNotContain(redacting.Lines, l => l.Contains("recalled a message"));
        Assert.DoesNotContain(plain.Lines, l => l.Contains(" REDACT "));
    }

    [Fact]
    public async Task REDACT_from_an_irc_client_recalls_the_message_for_everyone_and_history_leaves_it_out()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await using var carol = await _server.RegisterAsync("carol");
        await (await _server.RegisterAsync("bob")).DisposeAsync();
        await alice.OkAsync("create", new { room = "Dev" });
        await carol.OkAsync("join", new { room = "Dev" });
        await using var bob = await InDevAsync("bob", "message-tags", "echo-message", "draft/chathistory", Redaction);
        // The same user's other connection, without the capability, gets the NOTICE.
        await using var bobElsewhere = await InDevAsync("bob");

        await bob.SendAsync("PRIVMSG #Dev :my password is hunter2");
        var msgid = MsgId(await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :my password is hunter2")));
        var seq = (await carol.NextAsync("message")).GetProperty("seq").GetInt64();
        await bob.SendAsync("PRIVMSG #Dev :still here");
        await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :still here"));

        await bob.SendAsync($"REDACT #Dev {msgid} :wrong window");
        var echo = await bob.NextAsync(l => IrcClient.Numeric(l) is "REDACT" or "FAIL");
        Assert.Matches($"^@time=[^ ;]+;msgid={msgid}-[0-9]+ :bob!bob@parley REDACT #Dev {msgid} :wrong window$", echo);
        // The reason is told with the recall (never stored).
        var recall = await carol.NextAsync("recall");
        Assert.Equal((seq, "bob", "wrong window"), (Message(recall).GetProperty("seq").GetInt64(), recall.GetProperty("by").GetString(), recall.GetProperty("reason").GetString()));
        await bobElsewhere.NextAsync(l => l == ":bob!bob@parley NOTICE #Dev :* bob recalled a message: wrong window");
        // The REDACT's own msgid is the same wherever it goes.
        await using var bobWithCap = await InDevAsync("bob", "message-tags", Redaction);
        await bob.SendAsync("PRIVMSG #Dev :again");
        var again = MsgId(await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :again")));
        await bob.SendAsync($"REDACT #Dev {again}");
        var echoed = await bob.NextAsync(l => l.Contains(" REDACT #Dev " + again));
        Assert.Equal(MsgId(echoed), MsgId(await bobWithCap.NextAsync(l => l.Contains(" REDACT #Dev " + again))));
        var stored = (await alice.OkAsync("history", new { room = "Dev" })).GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("seq").GetInt64() == seq);
        Assert.True(stored.GetProperty("recalled").GetBoolean());
        Assert.False(stored.TryGetProperty("text", out _));
        Assert.False(stored.TryGetProperty("reason", out _));

        var replay = await AnswerAsync(bob, "CHATHISTORY LATEST #Dev * 10");
        Assert.Contains(replay, l => l.EndsWith("PRIVMSG #Dev :still here"));
        Assert.DoesNotContain(replay, l => l.Contains(msgid) || l.Contains("hunter2"));
    }

    [Fact]
    public async Task REDACT_refusals_are_the_specs_FAIL_codes()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await (await _server.RegisterAsync("bob")).DisposeAsync();
        await (await _server.RegisterAsync("carol")).DisposeAsync();
        await (await _server.RegisterAsync("dave")).DisposeAsync();
        await alice.OkAsync("create", new { room = "Dev" });
        string[] caps = ["message-tags", "echo-message", Redaction];
        await using var bob = await InDevAsync("bob", caps);
        await using var carol = await InDevAsync("carol", caps);
        await using var dave = await IrcClient.SignInAsync(_server.IrcPort, "dave", "password1", caps);
        await using var admin = await InDevAsync("alice", caps);

        await bob.SendAsync("PRIVMSG #Dev :mine");
        var msgid = MsgId(await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :mine")));

        async Task<string> FailAsync(IrcClient client, string line)
        {
            await client.SendAsync(line);
            return await client.NextAsync(l => IrcClient.Numeric(l) is "FAIL" or "REDACT" or "461");
        }
        Assert.StartsWith($":parley FAIL REDACT REDACT_FORBIDDEN #Dev {msgid} :", await FailAsync(carol, $"REDACT #Dev {msgid}"));
        Assert.StartsWith(":parley FAIL REDACT UNKNOWN_MSGID #Dev 0190d2a1b2c37def8123456789abcdef :", await FailAsync(bob, "REDACT #Dev 0190d2a1b2c37def8123456789abcdef"));
        Assert.StartsWith(":parley FAIL REDACT UNKNOWN_MSGID #Dev nonsense :", await FailAsync(bob, "REDACT #Dev nonsense"));
        Assert.StartsWith(":parley FAIL REDACT INVALID_TARGET #Dev :", await FailAsync(dave, $"REDACT #Dev {msgid}"));
        Assert.StartsWith(":parley FAIL REDACT INVALID_TARGET #nowhere :", await FailAsync(bob, $"REDACT #nowhere {msgid}"));
        // Looked for in the conversation named: not in a direct one.
        Assert.StartsWith($":parley FAIL REDACT UNKNOWN_MSGID alice {msgid} :", await FailAsync(bob, $"REDACT alice {msgid}"));
        Assert.Contains(" 461 bob REDACT ", await FailAsync(bob, "REDACT #Dev"));

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.StartsWith($":parley FAIL REDACT REDACT_WINDOW_EXPIRED #Dev {msgid} 30 :", await FailAsync(bob, $"REDACT #Dev {msgid}"));
        // A room admin recalls any time.
        Assert.EndsWith($" :alice!alice@parley REDACT #Dev {msgid} :spam", await FailAsync(admin, $"REDACT #Dev {msgid} spam"));
        await bob.NextAsync(l => l.EndsWith($" :alice!alice@parley REDACT #Dev {msgid} :spam"));
        // Recalled already: its text is gone, nothing is left to take back.
        Assert.StartsWith($":parley FAIL REDACT UNKNOWN_MSGID #Dev {msgid} :", await FailAsync(admin, $"REDACT #Dev {msgid}"));
        Assert.Equal("recall", (await alice.NextAsync("recall")).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_guest_cannot_redact_even_its_own_message()
    {
        await using var guest = await IrcClient.GuestAsync(_server.IrcPort, "amy", "message-tags", "echo-message", Redaction);
        await guest.SendAsync("JOIN #lobby");
        await guest.NextAsync(l => l.Contains(" 366 amy #lobby "));
        await guest.SendAsync("PRIVMSG #lobby :hi");
        var msgid = MsgId(await guest.NextAsync(l => l.EndsWith("PRIVMSG #lobby :hi")));
        await guest.SendAsync($"REDACT #lobby {msgid}");
        Assert.StartsWith($":parley FAIL REDACT REDACT_FORBIDDEN #lobby {msgid} :", await guest.NextAsync(l => IrcClient.Numeric(l) is "FAIL" or "REDACT"));
    }

    [Fact]
    public async Task A_redact_in_a_direct_conversation_reaches_the_other_user()
    {
        await using var bobNative = await _server.RegisterAsync("bob");
        await (await _server.RegisterAsync("alice")).DisposeAsync();
        await using var alice = await IrcClient.SignInAsync(_server.IrcPort, "alice", "password1", "message-tags", "echo-message", Redaction);
        await using var bob = await IrcClient.SignInAsync(_server.IrcPort, "bob", "password1", "message-tags", Redaction);
        await alice.SendAsync("PRIVMSG bob :wrong window");
        var msgid = MsgId(await alice.NextAsync(l => l.EndsWith("PRIVMSG bob :wrong window")));
        await bob.NextAsync(l => l.EndsWith(":alice!alice@parley PRIVMSG bob :wrong window"));
        // Only its author takes it back: bob names the conversation by the other user, alice.
        await bob.SendAsync($"REDACT alice {msgid}");
        Assert.StartsWith($":parley FAIL REDACT REDACT_FORBIDDEN alice {msgid} :", await bob.NextAsync(l => IrcClient.Numeric(l) is "FAIL" or "REDACT"));
        await alice.SendAsync($"REDACT bob {msgid}");
        await alice.NextAsync(l => l.EndsWith($" :alice!alice@parley REDACT bob {msgid}"));
        await bob.NextAsync(l => l.EndsWith($" :alice!alice@parley REDACT bob {msgid}"));
        Assert.Equal("alice", (await bobNative.NextAsync("recall")).GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_reply_carries_its_parents_msgid_both_ways_live_and_in_history()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await (await _server.RegisterAsync("bob")).DisposeAsync();
        await (await _server.RegisterAsync("carol")).DisposeAsync();
        await alice.OkAsync("create", new { room = "Dev" });
        await alice.OkAsync("create", new { room = "Ops" });
        await using var bob = await InDevAsync("bob", "message-tags", "echo-message", "draft/chathistory");
        await using var plain = await InDevAsync("carol");

        var question = Message(await alice.OkAsync("send", new { room = "Dev", text = "who's in?" }));
        var (q, qid) = (question.GetProperty("seq").GetInt64(), question.GetProperty("id").GetString());
        await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :who's in?"));

        // A native reply reaches IRC with both reply tags; a client without message-tags sees the text.
        await alice.OkAsync("send", new { room = "Dev", text = "anyone?", replyTo = q });
        var live = await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :anyone?"));
        Assert.Matches($"^@time=[^ ;]+;msgid=[0-9a-f]{{32}};\\+draft/reply={qid};\\+reply={qid} :alice!alice@parley PRIVMSG #Dev :anyone\\?$", live);
        await plain.NextAsync(l => l == ":alice!alice@parley PRIVMSG #Dev :anyone?");

        // An IRC reply (either tag name) is a reply in the store: native clients get replyTo, and
        // the tags come once each, from the server.
        await bob.SendAsync($"@+draft/reply={qid} PRIVMSG #Dev :me");
        Assert.Equal(q, (await alice.NextAsync("message")).GetProperty("replyTo").GetInt64());
        var echo = await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :me"));
        Assert.Equal((qid, qid, 4), (Tags(echo)["+draft/reply"], Tags(echo)["+reply"], Tags(echo).Count));
        await bob.SendAsync($"@+reply={qid};+draft/react=👍 PRIVMSG #Dev :me too");
        Assert.Equal(q, (await alice.NextAsync("message")).GetProperty("replyTo").GetInt64());
        echo = await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :me too"));
        Assert.Equal((qid, qid, "👍"), (Tags(echo)["+draft/reply"], Tags(echo)["+reply"], Tags(echo)["+draft/react"]));

        // A msgid the conversation does not have: sent as no reply, the tag relayed live as the client wrote it.
        await bob.SendAsync("JOIN #Ops");
        await bob.NextAsync(l => l.Contains(" 366 bob #Ops "));
        await bob.SendAsync($"@+draft/reply={qid} PRIVMSG #Ops :elsewhere");
        var orphan = await alice.NextAsync("message");
        Assert.Equal("elsewhere", orphan.GetProperty("text").GetString());
        Assert.False(orphan.TryGetProperty("replyTo", out _));
        echo = await bob.NextAsync(l => l.EndsWith("PRIVMSG #Ops :elsewhere"));
        Assert.Equal(qid, Tags(echo)["+draft/reply"]);
        Assert.False(Tags(echo).ContainsKey("+reply"));

        // History: CHATHISTORY and a JOIN's replay carry the tags, the parent in the page or not.
        await bob.SendAsync("CHATHISTORY LATEST #Dev * 1");
        Assert.Equal(qid, Tags(await bob.NextAsync(l => l.EndsWith("PRIVMSG #Dev :me too") && !l.Contains("+draft/react"))).GetValueOrDefault("+reply"));
        var replayed = (await AnswerAsync(bob, "CHATHISTORY LATEST #Dev * 10")).Where(l => l.Contains(" PRIVMSG #Dev :")).ToList();
        Assert.Equal(["who's in?", "anyone?", "me", "me too"], replayed.Select(l => l[(l.IndexOf(" :", l.IndexOf(" PRIVMSG ")) + 2)..]));
        Assert.Equal([null, qid, qid, qid], replayed.Select(l => Tags(l).GetValueOrDefault("+reply")));
        Assert.Equal([null, qid, qid, qid], replayed.Select(l => Tags(l).GetValueOrDefault("+draft/reply")));
        await (await _server.RegisterAsync("dave")).DisposeAsync();
        await using var late = await InDevAsync("dave", "message-tags");
        await SyncAsync(late, "joined");
        var joinReplay = late.Lines.Where(l => l.Contains(" PRIVMSG #Dev :")).ToList();
        Assert.Equal([null, qid, qid, qid], joinReplay.Select(l => Tags(l).GetValueOrDefault("+reply")));
        // Without message-tags, history has no tags to carry.
        var untagged = await AnswerAsync(plain, "CHATHISTORY LATEST #Dev * 10");
        Assert.Contains(":alice!alice@parley PRIVMSG #Dev :anyone?", untagged);
        Assert.DoesNotContain(untagged, l => l.Contains("reply="));
    }

    [Fact]
    public async Task A_reply_in_a_direct_conversation_goes_both_ways()
    {
        await using var alice = await _server.RegisterAsync("alice");
        await (await _server.RegisterAsync("bob")).DisposeAsync();
        await using var bob = await IrcClient.SignInAsync(_server.IrcPort, "bob", "password1", "message-tags", "echo-message");
        var question = Message(await alice.OkAsync("send", new { to = "bob", text = "lunch?" }));
        var (q, qid) = (question.GetProperty("seq").GetInt64(), question.GetProperty("id").GetString());
        await bob.NextAsync(l => l.EndsWith("PRIVMSG bob :lunch?"));
        await alice.OkAsync("send", new { to = "bob", text = "at noon", replyTo = q });
        Assert.Equal(qid, Tags(await bob.NextAsync(l => l.EndsWith("PRIVMSG bob :at noon")))["+reply"]);
        await bob.SendAsync($"@+reply={qid} PRIVMSG alice :yes");
        Assert.Equal(q, (await alice.NextAsync("message")).GetProperty("replyTo").GetInt64());
    }
}
