using Parley.Client;
using Parley.Client.Model;
using Parley.Tests.Support;

namespace Parley.Tests.Client;

/// <summary>The client library's people calls and events against the real server.</summary>
public sealed class ParleyClientPeopleTests
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
    public async Task Directory_profile_block_and_open_with_their_events_on_another_session(bool webSocket)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await Connect(server, webSocket);
        await alice.RegisterAsync("alice", "password1");
        await using var bob = await Connect(server, webSocket);
        await bob.RegisterAsync("bob", "password1");
        await using var bobPhone = await Connect(server);
        await bobPhone.LoginAsync("bob", "password1");

        var page = await bob.FindUsersAsync("A", limit: 1);
        var found = Assert.Single(page.Users);
        Assert.Equal(("alice", true, "alice"), (found.User, found.Online, found.Shown));
        Assert.Null(page.Next);

        var mine = await bob.SetProfileAsync(display: "Bob the Builder", status: "building");
        Assert.Equal(("Bob the Builder", "building"), (mine.Shown, mine.Status));
        Assert.Equal(new ProfileChanged("bob", "Bob the Builder", "building"), await Next<ProfileChanged>(alice));
        Assert.Equal(new ProfileChanged("bob", "Bob the Builder", "building"), await Next<ProfileChanged>(bobPhone));
        Assert.Equal("Bob the Builder", (await alice.ProfileAsync("BOB")).Display);
        Assert.Equal(["Bob the Builder", "alice"], (await alice.ProfilesAsync(["bob", "alice", "nobody"])).Select(p => p.Shown));

        Assert.Equal("alice", await bob.BlockAsync("ALICE"));
        Assert.Equal(new BlockChanged("alice", true), await Next<BlockChanged>(bobPhone));
        Assert.True((await bob.ProfileAsync("alice")).Blocked);
        var refused = await Assert.ThrowsAsync<ParleyException>(() => alice.SendAsync(Target.With("bob"), "hello?"));
        Assert.Equal("blocked", refused.Code);
        await using (var again = await Connect(server))
            Assert.Equal(["alice"], (await again.LoginAsync("bob", "password1")).Blocked);
        await bob.BlockAsync("alice", on: false);
        Assert.Equal(new BlockChanged("alice", false), await Next<BlockChanged>(bobPhone));

        Assert.Equal("alice", await bob.OpenDirectAsync("Alice"));
        Assert.Equal(new DirectOpened("alice"), await Next<DirectOpened>(bobPhone));
        await using var later = await Connect(server);
        var signedIn = await later.LoginAsync("bob", "password1");
        Assert.Equal(Target.With("alice"), Assert.Single(signedIn.Directs).Target);
    }
}
