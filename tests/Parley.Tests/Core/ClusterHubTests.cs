using Parley.Core.Events;
using Parley.Core.Hub;
using Parley.Core.Policy;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Core;

/// <summary>Two hubs sharing one store, linked in-process: what one node does, the other's sessions see.</summary>
public sealed class ClusterHubTests : IAsyncLifetime
{
    private readonly string _directory = TempDirectory.Create();
    private readonly List<LinkedBackplane> _cluster = [];
    private SqliteChatStore _store = null!;
    private ChatHub _a = null!;
    private ChatHub _b = null!;
    private LinkedBackplane _nodeA = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "parley.db"), Synchronous = SqliteSynchronous.Off });
        _nodeA = new LinkedBackplane("a", _store, _cluster);
        var nodeB = new LinkedBackplane("b", _store, _cluster);
        _cluster.AddRange([_nodeA, nodeB]);
        _a = new ChatHub(_store, _nodeA, new IdentityPasswordHasher(1000), TimeProvider.System, new ChatLimits());
        _b = new ChatHub(_store, nodeB, new IdentityPasswordHasher(1000), TimeProvider.System, new ChatLimits());
        await _a.StartAsync();
        await _b.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        TempDirectory.Delete(_directory);
    }

    private static async Task<RecordingSession> Register(ChatHub hub, string name)
    {
        var session = new RecordingSession();
        Assert.True((await hub.RegisterAsync(session, name, "password1")).Ok);
        return session;
    }

    [Fact]
    public async Task Messages_rooms_and_topics_made_on_one_node_reach_sessions_on_the_other()
    {
        var alice = await Register(_a, "alice");
        var bob = await Register(_b, "bob");
        Assert.Contains(alice.Of<MembershipEvent>(), j => j.User == "bob" && j.Joined);

        Assert.True((await _a.SendToRoomAsync(alice, "lobby", "hi from a")).Ok);
        Assert.Equal("hi from a", Assert.Single(bob.Of<MessageEvent>()).Message.Text);

        Assert.True((await _b.SendDirectAsync(bob, "alice", "psst")).Ok);
        // A direct conversation new to node a first learns where it stands in the store.
        await Until.TrueAsync(() => alice.Of<MessageEvent>().Any(), "the direct message reaches node a");
        Assert.Equal("psst", Assert.Single(alice.Of<MessageEvent>()).Message.Text);

        Assert.True((await _a.CreateRoomAsync(alice, "dev", "code")).Ok);
        var joined = await _b.JoinAsync(bob, "dev");
        Assert.True(joined.Ok);
        Assert.Equal(["alice", "bob"], _b.Members("dev").Value!.Select(m => m.User));
        Assert.Contains(alice.Of<MembershipEvent>(), j => j.Room == "dev" && j.User == "bob");

        Assert.True((await _b.SetTopicAsync(bob, "dev", "new topic")).Ok);
        Assert.Contains(alice.Of<TopicEvent>(), t => t.Topic == "new topic" && t.By == "bob");
        Assert.Equal("new topic", _a.Rooms(alice).Value!.Single(r => r.Name == "dev").Topic);

        Assert.True((await _b.LeaveAsync(bob, "dev")).Ok);
        Assert.Contains(alice.Of<MembershipEvent>(), j => j.Room == "dev" && j.User == "bob" && !j.Joined);
        Assert.True((await _a.SendToRoomAsync(alice, "dev", "bob is gone")).Ok);
        Assert.DoesNotContain(bob.Of<MessageEvent>(), m => m.Message.Text == "bob is gone");
    }

    [Fact]
    public async Task Presence_agrees_across_nodes_and_a_lost_node_takes_its_users_offline()
    {
        var watcher = await Register(_a, "watcher");
        var bobOnB = await Register(_b, "bob");
        Assert.Contains(watcher.Of<PresenceEvent>(), p => p.User == "bob" && p.Online);
        Assert.Equal(["bob", "watcher"], _a.Online().Value);
        Assert.Equal(["bob", "watcher"], _b.Online().Value);

        // A second session of bob on node a: still one user, no new announcement.
        var bobOnA = new RecordingSession();
        Assert.True((await _a.LoginAsync(bobOnA, "bob", "password1")).Ok);
        _b.Detach(bobOnB);
        Assert.True(_a.IsOnline("bob"));
        Assert.True(_b.IsOnline("bob"));
        Assert.DoesNotContain(watcher.Of<PresenceEvent>(), p => p.User == "bob" && !p.Online);

        var carolOnB = await Register(_b, "carol");
        Assert.True(_a.IsOnline("carol"));
        _cluster.Single(n => n.NodeId == "b").Die();
        Assert.False(_a.IsOnline("carol"));
        Assert.Contains(watcher.Of<PresenceEvent>(), p => p.User == "carol" && !p.Online);
        Assert.True(_a.IsOnline("bob"));
        GC.KeepAlive(carolOnB);
    }

    [Fact]
    public async Task A_guest_on_a_lost_node_leaves_its_rooms_on_the_others()
    {
        var watcher = await Register(_a, "watcher");
        var guest = new RecordingSession();
        Assert.True((await _b.SignInGuestAsync(guest, "visitor")).Ok);
        Assert.True((await _b.JoinAsync(guest, "lobby")).Ok);
        Assert.Contains(_a.Members("lobby").Value!, m => m.User == "visitor");

        _cluster.Single(n => n.NodeId == "b").Die();
        Assert.False(_a.IsOnline("visitor"));
        Assert.DoesNotContain(_a.Members("lobby").Value!, m => m.User == "visitor");
        Assert.Contains(watcher.Of<MembershipEvent>(), e => e.User == "visitor" && !e.Joined && e.Quit);
    }
}
