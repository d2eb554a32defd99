using Parley.Client;
using Parley.Client.Model;
using Parley.Tests.Support;

namespace Parley.Tests.Client;

public sealed class ParleyClientTests
{
    private static Task<ParleyClient> Connect(TestServer server, bool webSocket = false, TimeSpan? reconnectDelay = null) =>
        ParleyClient.ConnectAsync(new ParleyClientOptions
        {
            Server = $"127.0.0.1:{server.TcpPort}",
            WebSocketUri = webSocket ? server.WebSocketUri : null,
            ReconnectDelay = reconnectDelay ?? TimeSpan.FromMilliseconds(100),
        });

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
    public async Task Members_come_a_page_at_a_time_and_a_join_carries_the_first_page()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:MembersPageMax"] = "3" });
        await using var alice = await Connect(server);
        await alice.RegisterAsync("alice", "password1");
        Assert.Equal(3, alice.Limits.MembersPageMax);
        await alice.CreateAsync("dev");
        foreach (var name in new[] { "u_10", "u_2", "u_1", "bob" })
        {
            await using var member = await Connect(server);
            await member.RegisterAsync(name, "password1");
            await member.JoinAsync("dev");
        }
        // The members hung up; the server may still be ending their sessions.
        await Until.TrueAsync(async () => (await alice.MembersPageAsync("dev", limit: 2)).Online == 1, "only alice is online");

        var first = await alice.MembersPageAsync("dev", limit: 2);
        Assert.Equal(["alice", "bob"], first.Members.Select(m => m.User));
        Assert.Equal((5, 1), (first.Total, first.Online));
        Assert.NotNull(first.Next);
        var rest = await alice.MembersPageAsync("dev", after: first.Next);
        Assert.Equal(["u_1", "u_2", "u_10"], rest.Members.Select(m => m.User));
        Assert.Null(rest.Next);
        Assert.Equal(["alice", "bob", "u_1", "u_2", "u_10"], (await alice.MembersAsync("dev")).Select(m => m.User));
        var found = await alice.MembersPageAsync("dev", query: "U_1");
        Assert.Equal(["u_1", "u_10"], found.Members.Select(m => m.User));
        Assert.Equal((2, 0, null), (found.Total, found.Online, found.Next));

        await using var carol = await Connect(server);
        await carol.RegisterAsync("carol", "password1");
        var joined = await carol.JoinAsync("dev");
        Assert.Equal((3, 6, 2), (joined.Members.Members.Count, joined.Members.Total, joined.Members.Online));
        var error = await Assert.ThrowsAsync<ParleyException>(() => alice.MembersPageAsync("dev", after: "nonsense"));
        Assert.Equal("bad_cursor", error.Code);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Requests_replies_events_and_typed_errors(bool webSocket)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await Connect(server, webSocket);
        await using var bob = await Connect(server, webSocket);
        var session = await alice.RegisterAsync("alice", "password1");
        Assert.Equal("alice", session.User);
        Assert.NotNull(session.Token);
        await bob.RegisterAsync("bob", "password1");

        var sent = await alice.SendAsync(Target.InRoom("lobby"), "hello");
        var received = await Next<MessageReceived>(bob);
        Assert.Equal((sent.Id, sent.Seq, "alice", "hello", false), (received.Message.Id, received.Message.Seq, received.Message.From, received.Message.Text, received.Replayed));

        await bob.SendAsync(Target.With("alice"), "psst");
        var direct = await Next<MessageReceived>(alice);
        Assert.Equal(Target.With("bob"), direct.Message.ConversationFor("alice"));

        var error = await Assert.ThrowsAsync<ParleyException>(() => alice.JoinAsync("nowhere"));
        Assert.Equal("no_such_room", error.Code);
        error = await Assert.ThrowsAsync<ParleyException>(() => alice.SendAsync(Target.With("ghost"), "hi"));
        Assert.Equal("no_such_user", error.Code);

        var history = await bob.HistoryAsync(Target.InRoom("lobby"));
        Assert.Equal("hello", Assert.Single(history.Messages).Text);
        Assert.Contains("bob", await alice.OnlineAsync());

        // A later sign-in says when each conversation last had a message.
        await using var aliceAgain = await Connect(server, webSocket);
        var again = await aliceAgain.LoginAsync("alice", "password1");
        Assert.Equal(sent.Timestamp, Assert.Single(again.Rooms).LastTimestamp);
        Assert.Equal(direct.Message.Timestamp, Assert.Single(again.Directs).LastTimestamp);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_server_limits_come_with_sign_in_and_an_over_long_text_is_refused_before_it_is_sent(bool webSocket)
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:MaxTextChars"] = "10", ["Limits:MaxTopicChars"] = "5", ["Connections:MaxLineBytes"] = "2048" });
        await using var alice = await Connect(server, webSocket);
        await using var bob = await Connect(server, webSocket);
        var session = await alice.RegisterAsync("alice", "password1");
        await bob.RegisterAsync("bob", "password1");
        Assert.Equal(new ServerLimits(10, 5, 2048, 200), session.Limits);
        Assert.Equal(session.Limits, alice.Limits);

        // Ten emoji are ten characters, as the server counts them; eleven are one too many.
        await alice.SendAsync(Target.InRoom("lobby"), string.Concat(Enumerable.Repeat("\U0001F600", 10)));
        var tooLong = await Assert.ThrowsAsync<ParleyException>(() => alice.SendAsync(Target.InRoom("lobby"), new string('x', 100_000)));
        Assert.Equal("text_too_long", tooLong.Code);
        Assert.Equal("messages are at most 10 characters; this one has 100,000", tooLong.Message);
        var topic = await Assert.ThrowsAsync<ParleyException>(() => alice.SetTopicAsync("lobby", "too long"));
        Assert.Equal(("topic_too_long", "topics are at most 5 characters; this one has 8"), (topic.Code, topic.Message));
        // A request over the line limit for any other reason is refused too, and the connection stays.
        var line = await Assert.ThrowsAsync<ParleyException>(() => alice.JoinAsync(new string('r', 3000)));
        Assert.Equal("line_too_long", line.Code);

        await alice.SendAsync(Target.InRoom("lobby"), "still here");
        var received = await Next<MessageReceived>(bob, m => m.Message.Text == "still here");
        Assert.Equal("alice", received.Message.From);
        Assert.DoesNotContain(await bob.HistoryAsync(Target.InRoom("lobby")) is { } page ? page.Messages : [], m => m.Text.Length > 20);
    }

    [Fact]
    public async Task A_client_signed_in_by_resume_also_reconnects_with_that_token()
    {
        var data = TempDirectory.Create();
        var port = FreePort.Tcp();
        var settings = new Dictionary<string, string?> { ["Tcp"] = $"127.0.0.1:{port}" };
        try
        {
            var server = await TestServer.StartAsync(settings, data);
            string token;
            await using (var first = await Connect(server))
                token = (await first.RegisterAsync("alice", "password1")).Token!;
            await using var resumed = await Connect(server);
            await resumed.ResumeAsync(token);

            await server.DisposeAsync();
            Assert.True((await Next<ConnectionLost>(resumed)).WillRetry);
            server = await TestServer.StartAsync(settings, data);
            await Next<Reconnected>(resumed);
            await Until.TrueAsync(() => resumed.IsConnected, "the client is connected again");
            Assert.Contains("alice", await resumed.OnlineAsync());
            await server.DisposeAsync();
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task After_a_server_restart_it_resumes_and_replays_what_was_missed_once_in_order()
    {
        var data = TempDirectory.Create();
        var port = FreePort.Tcp();
        var settings = new Dictionary<string, string?> { ["Tcp"] = $"127.0.0.1:{port}" };
        try
        {
            var server = await TestServer.StartAsync(settings, data);
            await using var listener = await Connect(server, reconnectDelay: TimeSpan.FromSeconds(6));
            await listener.RegisterAsync("listener", "password1");
            await using (var talker = await Connect(server))
            {
                await talker.RegisterAsync("talker", "password1");
                await talker.SendAsync(Target.InRoom("lobby"), "before 1");
                await talker.SendAsync(Target.With("listener"), "dm before");
                await Next<MessageReceived>(listener, m => m.Message.Text == "dm before");
            }

            await server.DisposeAsync();
            var lost = await Next<ConnectionLost>(listener);
            Assert.True(lost.WillRetry);
            server = await TestServer.StartAsync(settings, data);
            await using (var talker = await Connect(server))
            {
                await talker.LoginAsync("talker", "password1");
                for (var i = 1; i <= 5; i++)
                    await talker.SendAsync(Target.InRoom("lobby"), $"while away {i}");
                await talker.SendAsync(Target.With("listener"), "dm while away");
            }

            await Next<Reconnected>(listener);
            var missed = new List<MessageReceived>();
            while (missed.Count < 6)
                missed.Add(await Next<MessageReceived>(listener));
            Assert.All(missed, m => Assert.True(m.Replayed));
            Assert.Equal(["while away 1", "while away 2", "while away 3", "while away 4", "while away 5"],
                missed.Where(m => m.Message.Room is not null).Select(m => m.Message.Text));
            Assert.Equal("dm while away", Assert.Single(missed, m => m.Message.Room is null).Message.Text);

            // Live again, and nothing is delivered twice.
            await using (var talker = await Connect(server))
            {
                await talker.LoginAsync("talker", "password1");
                await talker.SendAsync(Target.InRoom("lobby"), "after");
            }
            var after = await Next<MessageReceived>(listener);
            Assert.Equal(("after", false), (after.Message.Text, after.Replayed));
            Assert.Equal(7, after.Message.Seq);
            await listener.PingAsync();
            await server.DisposeAsync();
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Watching_follows_a_user_of_a_large_room_and_is_asked_again_after_a_reconnect()
    {
        var data = TempDirectory.Create();
        var port = FreePort.Tcp();
        var settings = new Dictionary<string, string?> { ["Tcp"] = $"127.0.0.1:{port}", ["Limits:LargeRoomMembers"] = "2" };
        try
        {
            var server = await TestServer.StartAsync(settings, data);
            await using var alice = await Connect(server);
            await alice.RegisterAsync("alice", "password1");
            Assert.Equal(100, alice.Limits.MaxWatchedUsers);
            foreach (var name in new[] { "bob", "carol" })
            {
                await using var member = await Connect(server);
                await member.RegisterAsync(name, "password1");
            }
            Assert.True((await alice.RoomsAsync()).Single().Large);
            Assert.True((await alice.MembersPageAsync("lobby")).Large);

            var watched = await alice.WatchAsync(["bob"]);
            Assert.Equal([new Member("bob", false)], watched);
            await using (var bob = await Connect(server))
            {
                await bob.LoginAsync("bob", "password1");
                await Next<PresenceChanged>(alice, p => p is { User: "bob", Online: true });
            }
            await Next<PresenceChanged>(alice, p => p is { User: "bob", Online: false });

            await server.DisposeAsync();
            await Next<ConnectionLost>(alice);
            server = await TestServer.StartAsync(settings, data);
            await Next<Reconnected>(alice);
            // The new connection watches bob too: it reports bob's presence at once, then his changes.
            await Next<PresenceChanged>(alice, p => p is { User: "bob", Online: false });
            await using (var bob = await Connect(server))
            {
                await bob.LoginAsync("bob", "password1");
                await Next<PresenceChanged>(alice, p => p is { User: "bob", Online: true });
            }
            await server.DisposeAsync();
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
