using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Core;

/// <summary>The hub with the real SQLite store and recording sessions in place of sockets.</summary>
public sealed class ChatHubTests : IAsyncLifetime
{
    private readonly string _directory = TempDirectory.Create();
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "parley.db"), Synchronous = SqliteSynchronous.Off });
        _hub = new ChatHub(_store, new InProcessBackplane(_store), new IdentityPasswordHasher(1000), TimeProvider.System, new ChatLimits());
        await _hub.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        TempDirectory.Delete(_directory);
    }

    private async Task<RecordingSession> Register(string name)
    {
        var session = new RecordingSession();
        var result = await _hub.RegisterAsync(session, name, "password1");
        Assert.True(result.Ok, result.Error?.Message);
        return session;
    }

    private async Task<RecordingSession> Login(string name)
    {
        var session = new RecordingSession();
        var result = await _hub.LoginAsync(session, name, "password1");
        Assert.True(result.Ok, result.Error?.Message);
        return session;
    }

    [Fact]
    public async Task Every_message_sent_counts_as_activity_and_a_refused_send_does_not()
    {
        var ann = await Register("ann");
        await Register("bob");
        var before = _hub.MessagesSeen;
        Assert.True((await _hub.SendToRoomAsync(ann, "lobby", "hello")).Ok);
        Assert.True((await _hub.SendDirectAsync(ann, "bob", "hi bob")).Ok);
        Assert.False((await _hub.SendToRoomAsync(ann, "lobby", "  ")).Ok);
        Assert.False((await _hub.SendToRoomAsync(ann, "nowhere", "hello")).Ok);
        Assert.Equal(before + 2, _hub.MessagesSeen);
    }

    [Fact]
    public async Task A_live_direct_message_between_open_guests_counts_as_activity_too()
    {
        var hub = new ChatHub(_store, new InProcessBackplane(_store), new IdentityPasswordHasher(1000), TimeProvider.System, new ChatLimits { Guests = GuestPolicy.Open });
        await hub.StartAsync();
        var ann = new RecordingSession();
        Assert.True((await hub.SignInGuestAsync(ann, "annguest")).Ok);
        Assert.True((await hub.SignInGuestAsync(new RecordingSession(), "bobguest")).Ok);
        var before = hub.MessagesSeen;
        Assert.True((await hub.SendDirectAsync(ann, "bobguest", "psst")).Ok);
        Assert.Equal(before + 1, hub.MessagesSeen);
    }

    [Fact]
    public async Task Whoever_loses_a_race_to_create_a_room_can_join_it_at_once()
    {
        var sessions = new List<RecordingSession>();
        for (var i = 0; i < 8; i++)
            sessions.Add(await Register($"racer{i}"));
        // Each loser joins the moment it hears room_exists, as a client would.
        var outcomes = await Task.WhenAll(sessions.Select(async s =>
        {
            var created = await _hub.CreateRoomAsync(s, "contested", topic: null);
            return created.Ok ? "created" : created.Error!.Code + " then " + ((await _hub.JoinAsync(s, "contested")).Error?.Code ?? "joined");
        }));

        Assert.Single(outcomes, o => o == "created");
        Assert.All(outcomes.Where(o => o != "created"), o => Assert.Equal("room_exists then joined", o));
        Assert.Equal(8, _hub.Members("contested").Value!.Count);
    }

    [Fact]
    public async Task A_user_is_online_while_any_session_is()
    {
        var watcher = await Register("watcher");
        var first = await Register("alice");
        var second = await Login("alice");
        Assert.Single(watcher.Of<PresenceEvent>(), p => p.User == "alice" && p.Online);

        _hub.Detach(first);
        Assert.True(_hub.IsOnline("alice"));
        Assert.DoesNotContain(watcher.Of<PresenceEvent>(), p => !p.Online);

        _hub.Detach(second);
        _hub.Detach(second);
        Assert.False(_hub.IsOnline("alice"));
        Assert.Single(watcher.Of<PresenceEvent>(), p => p.User == "alice" && !p.Online);
        Assert.Equal(["watcher"], _hub.Online().Value);
    }

    [Fact]
    public async Task Presence_goes_only_to_those_who_share_a_room()
    {
        var alice = await Register("alice");
        Assert.True((await _hub.CreateRoomAsync(alice, "secret", null)).Ok);
        Assert.True((await _hub.LeaveAsync(alice, "lobby")).Ok);
        var bob = await Register("bob");
        var carol = new RecordingSession();
        Assert.True((await _hub.RegisterAsync(carol, "carol", "password1")).Ok);
        Assert.True((await _hub.JoinAsync(carol, "secret")).Ok);

        _hub.Detach(alice);
        Assert.Contains(carol.Of<PresenceEvent>(), p => p.User == "alice" && !p.Online);
        Assert.DoesNotContain(bob.Of<PresenceEvent>(), p => p.User == "alice");
    }

    [Fact]
    public async Task Failed_logins_from_one_address_do_not_lock_the_user_out_elsewhere()
    {
        await Register("alice");
        for (var i = 0; i < 5; i++)
        {
            var attempt = await _hub.LoginAsync(new RecordingSession { RemoteAddress = "192.0.2.7" }, "alice", "wrong-password");
            Assert.Equal(ErrorCodes.BadCredentials, attempt.Error?.Code);
        }
        var blocked = await _hub.LoginAsync(new RecordingSession { RemoteAddress = "192.0.2.7" }, "alice", "password1");
        Assert.Equal(ErrorCodes.Throttled, blocked.Error?.Code);

        var owner = await _hub.LoginAsync(new RecordingSession { RemoteAddress = "198.51.100.1" }, "alice", "password1");
        Assert.True(owner.Ok);
    }

    [Fact]
    public async Task Message_ids_are_distinct_version_7_uuids_that_start_with_their_time()
    {
        var sender = await Register("sender");
        var ids = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            var sent = (await _hub.SendToRoomAsync(sender, "lobby", $"m{i}")).Value!;
            Assert.Matches("^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$", sent.Id);
            Assert.Equal(sent.Timestamp.ToUnixTimeMilliseconds(), Convert.ToInt64(sent.Id[..12], 16));
            Assert.True(ids.Add(sent.Id));
        }
    }

    [Fact]
    public async Task A_full_queue_closes_that_session_alone()
    {
        var sender = await Register("sender");
        var slow = await Register("slow");
        var fine = await Register("fine");
        slow.QueueFull = true;

        for (var i = 0; i < 5; i++)
            Assert.True((await _hub.SendToRoomAsync(sender, "lobby", $"m{i}")).Ok);

        Assert.Equal(ByeReasons.SlowConsumer, slow.ClosedWith);
        Assert.Null(fine.ClosedWith);
        Assert.Equal(5, fine.Of<MessageEvent>().Count());
    }

    [Fact]
    public async Task Releasing_idle_memory_asks_every_signed_in_session_and_sums_what_they_gave_back()
    {
        var first = await Register("first");
        var second = await Register("second");
        first.IdleBytes = 1000;
        second.IdleBytes = 24;
        Assert.Equal(1024, _hub.ReleaseIdleMemory());
    }

    [Fact]
    public async Task Concurrent_senders_are_delivered_in_sequence_order_to_everyone()
    {
        var receivers = new List<RecordingSession>();
        for (var i = 0; i < 3; i++)
            receivers.Add(await Register($"r{i}"));
        var senders = new List<RecordingSession>();
        for (var i = 0; i < 8; i++)
            senders.Add(await Register($"s{i}"));

        await Task.WhenAll(senders.Select(s => Task.Run(async () =>
        {
            for (var n = 0; n < 100; n++)
                Assert.True((await _hub.SendToRoomAsync(s, "lobby", $"{s.User}:{n}")).Ok);
        })));

        foreach (var receiver in receivers)
        {
            var seqs = receiver.Of<MessageEvent>().Select(m => m.Message.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, 800).Select(i => (long)i), seqs);
        }
        // Each sender's own messages stay in the order it sent them.
        foreach (var sender in senders)
        {
            var own = receivers[0].Of<MessageEvent>().Where(m => m.Message.From == sender.User).Select(m => m.Message.Text);
            Assert.Equal(Enumerable.Range(0, 100).Select(n => $"{sender.User}:{n}"), own);
        }
    }

    [Fact]
    public void Events_are_encoded_once_per_format_however_many_receive_them()
    {
        var encoder = new CountingEncoder();
        var broadcast = new Broadcast(new PresenceEvent("alice", true));
        var first = broadcast.EncodedWith(encoder);
        for (var i = 0; i < 1000; i++)
            Assert.Same(first, broadcast.EncodedWith(encoder));
        Assert.Equal(1, encoder.Calls);
    }

    private sealed class CountingEncoder : IEventEncoder
    {
        public int Calls;

        public int Slot => 1;

        public byte[] Encode(ChatEvent chatEvent)
        {
            Interlocked.Increment(ref Calls);
            return [1, 2, 3];
        }
    }
}
