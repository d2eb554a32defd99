using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>
/// Large rooms (issue 36): above <c>Limits:LargeRoomMembers</c> native sessions are not told of
/// each member's join, leave and presence, IRC sessions still are, and <c>watch</c> brings the
/// presence of the users a client shows. Over real TCP and IRC connections.
/// </summary>
public sealed class LargeRoomTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly List<IAsyncDisposable> _open = [];

    // lobby is large from its fourth member on.
    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(new() { ["Limits:LargeRoomMembers"] = "3", ["RoomCountsInterval"] = "00:00:00.100" });

    public async Task DisposeAsync()
    {
        foreach (var client in _open)
            await client.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static bool IsUser(JsonElement e, string user, bool online) =>
        e.GetProperty("user").GetString() == user && e.GetProperty("online").GetBoolean() == online;

    private static bool Is(JsonElement e, string field, string value) => e.GetProperty(field).GetString() == value;

    private async Task<LineClient> OpenAsync(string user)
    {
        var client = await _server.RegisterAsync(user);
        _open.Add(client);
        return client;
    }

    /// <summary>Registers the users and signs them out again: members of lobby, offline.</summary>
    private async Task RegisterOfflineAsync(params string[] users)
    {
        await using var registrar = await _server.ConnectAsync();
        foreach (var user in users)
        {
            await registrar.OkAsync("register", new { user, password = "password1" });
            await registrar.OkAsync("logout");
        }
    }

    private async Task<LineClient> LoginAsync(string user)
    {
        var client = await _server.ConnectAsync();
        await client.OkAsync("login", new { user, password = "password1" });
        return client;
    }

    [Fact]
    public async Task In_a_large_room_native_members_hear_no_joins_or_presence_while_irc_members_do()
    {
        await RegisterOfflineAsync("bob", "carol", "dave");
        var alice = await OpenAsync("alice");
        var irc = await IrcClient.SignInAsync(_server.IrcPort, "dave");
        _open.Add(irc);
        await irc.NextAsync(l => l.Contains(" 366 ", StringComparison.Ordinal));

        // A newcomer: its join (and its first presence) reach the IRC member only.
        var erin = await OpenAsync("erin");
        await irc.NextAsync(l => l.StartsWith(":erin!", StringComparison.Ordinal) && l.Contains(" JOIN ", StringComparison.Ordinal));
        // A returning member, who says something: the message is what alice hears, and nothing before it.
        var bob = await LoginAsync("bob");
        await irc.NextAsync(l => l.StartsWith(":bob!", StringComparison.Ordinal) && l.Contains(" JOIN ", StringComparison.Ordinal));
        await bob.OkAsync("send", new { room = "lobby", text = "hello all" });
        await alice.NextAsync("message", e => Is(e, "text", "hello all"));
        await bob.DisposeAsync();
        await irc.NextAsync(l => l.StartsWith(":bob!", StringComparison.Ordinal) && l.Contains(" QUIT ", StringComparison.Ordinal));
        await erin.OkAsync("send", new { room = "lobby", text = "after bob left" });
        await alice.NextAsync("message", e => Is(e, "text", "after bob left"));

        Assert.True(alice.HasNo("join"));
        Assert.True(alice.HasNo("presence"));
    }

    [Fact]
    public async Task A_room_at_the_limit_is_not_large_and_one_past_it_is()
    {
        var alice = await OpenAsync("alice");
        await OpenAsync("bob");
        await OpenAsync("carol");
        var atLimit = await alice.OkAsync("rooms");
        Assert.False(atLimit.GetProperty("rooms")[0].TryGetProperty("large", out _));
        await alice.NextAsync("presence", e => IsUser(e, "carol", true));

        await OpenAsync("dave");
        var rooms = await alice.OkAsync("rooms");
        Assert.True(rooms.GetProperty("rooms")[0].GetProperty("large").GetBoolean());
        var members = await alice.OkAsync("members", new { room = "lobby" });
        Assert.True(members.GetProperty("large").GetBoolean());
        await using var again = await _server.ConnectAsync();
        var signedIn = await again.OkAsync("login", new { user = "alice", password = "password1" });
        Assert.True(signedIn.GetProperty("rooms")[0].GetProperty("large").GetBoolean());
        Assert.Equal(100, signedIn.GetProperty("limits").GetProperty("maxWatchedUsers").GetInt32());
    }

    [Fact]
    public async Task Watching_brings_the_presence_of_those_watched_and_no_one_else()
    {
        await RegisterOfflineAsync("bob", "carol", "dave");
        var alice = await OpenAsync("alice");

        var watched = await alice.OkAsync("watch", new { users = new[] { "BOB", "nobody", "bob" } });
        var users = watched.GetProperty("users").EnumerateArray().ToList();
        Assert.Equal(2, users.Count);
        Assert.True(IsUser(users[0], "BOB", false));
        Assert.True(IsUser(users[1], "nobody", false));

        var bob = await LoginAsync("bob");
        await alice.NextAsync("presence", e => IsUser(e, "bob", true));
        var carol = await LoginAsync("carol");
        await carol.OkAsync("send", new { room = "lobby", text = "carol here" });
        await alice.NextAsync("message", e => Is(e, "text", "carol here"));
        Assert.True(alice.HasNo("presence", e => Is(e, "user", "carol")));

        // Now online, the reply spells the name as its user does.
        var again = await alice.OkAsync("watch", new { users = new[] { "BOB" } });
        Assert.True(IsUser(again.GetProperty("users")[0], "bob", true));

        await bob.DisposeAsync();
        await alice.NextAsync("presence", e => IsUser(e, "bob", false));

        // An empty list ends the watch.
        await alice.OkAsync("watch", new { users = Array.Empty<string>() });
        await carol.DisposeAsync();
        await using var back = await LoginAsync("bob");
        await back.OkAsync("send", new { room = "lobby", text = "bob is back" });
        await alice.NextAsync("message", e => Is(e, "text", "bob is back"));
        Assert.Single(alice.Received, e => Is(e, "type", "presence") && IsUser(e, "bob", true));
    }

    [Fact]
    public async Task A_watched_room_mate_of_a_small_room_is_announced_once()
    {
        await RegisterOfflineAsync("carol", "dave");
        var alice = await OpenAsync("alice");
        var bob = await OpenAsync("bob");
        await alice.OkAsync("create", new { room = "pair" });
        await bob.OkAsync("join", new { room = "pair" });
        await alice.OkAsync("watch", new { users = new[] { "bob" } });

        await bob.DisposeAsync();
        await alice.NextAsync("presence", e => IsUser(e, "bob", false));
        await using var back = await LoginAsync("bob");
        await alice.NextAsync("presence", e => IsUser(e, "bob", true));
        await back.OkAsync("send", new { room = "pair", text = "once" });
        await alice.NextAsync("message", e => Is(e, "text", "once"));
        Assert.Single(alice.Received, e => Is(e, "type", "presence") && IsUser(e, "bob", false));
        Assert.Single(alice.Received, e => Is(e, "type", "presence") && IsUser(e, "bob", true));
    }

    [Fact]
    public async Task A_users_own_connections_still_hear_its_joins_and_leaves_of_a_large_room()
    {
        await RegisterOfflineAsync("bob", "carol", "dave");
        var phone = await OpenAsync("alice");
        var laptop = await LoginAsync("alice");
        _open.Add(laptop);

        await phone.OkAsync("leave", new { room = "lobby" });
        await laptop.NextAsync("leave", e => Is(e, "user", "alice"));
        await phone.OkAsync("join", new { room = "lobby" });
        await laptop.NextAsync("join", e => Is(e, "user", "alice"));

        // Someone else's join is not told.
        await RegisterOfflineAsync("erin");
        await phone.OkAsync("send", new { room = "lobby", text = "welcome erin" });
        await laptop.NextAsync("message", e => Is(e, "text", "welcome erin"));
        Assert.True(laptop.HasNo("join", e => Is(e, "user", "erin")));
    }

    [Fact]
    public async Task A_large_rooms_counts_are_told_when_they_change()
    {
        await RegisterOfflineAsync("bob", "carol", "dave");
        var alice = await OpenAsync("alice");
        await alice.NextAsync("members_count", e => Is(e, "room", "lobby") && Counts(e) == (4, 1) && e.GetProperty("large").GetBoolean());

        var bob = await LoginAsync("bob");
        await alice.NextAsync("members_count", e => Counts(e) == (4, 2));
        await RegisterOfflineAsync("erin");
        await alice.NextAsync("members_count", e => Counts(e) == (5, 2));
        await bob.DisposeAsync();
        await alice.NextAsync("members_count", e => Counts(e) == (5, 1));

        // Unchanged counts are not told again.
        await alice.OkAsync("create", new { room = "small" });
        await Task.Delay(300);
        Assert.Single(alice.Received, e => Is(e, "type", "members_count") && Counts(e) == (5, 1));
        Assert.True(alice.HasNo("members_count", e => Is(e, "room", "small")));

        // Back at the limit, the room says once that it is no longer large, and its leaves are told again.
        foreach (var user in new[] { "carol", "dave" })
        {
            await using var leaver = await LoginAsync(user);
            await leaver.OkAsync("leave", new { room = "lobby" });
        }
        await alice.NextAsync("members_count", e => Counts(e) == (3, 1) && !e.GetProperty("large").GetBoolean());
        await using (var erin = await LoginAsync("erin"))
            await erin.OkAsync("leave", new { room = "lobby" });
        await alice.NextAsync("leave", e => Is(e, "user", "erin"));
        Assert.True(alice.HasNo("leave", e => Is(e, "user", "carol")));
    }

    private static (int Members, int Online) Counts(JsonElement e) => (e.GetProperty("members").GetInt32(), e.GetProperty("online").GetInt32());

    [Fact]
    public async Task A_bad_watch_gets_a_clear_error_and_the_connection_stays()
    {
        var alice = await OpenAsync("alice");
        var tooMany = Enumerable.Range(0, 101).Select(i => $"user{i}").ToArray();
        Assert.Equal("bad_field", await alice.ErrorAsync("watch", new { users = tooMany }));
        Assert.Equal("bad_name", await alice.ErrorAsync("watch", new { users = new[] { "no spaces" } }));
        Assert.Equal("bad_field", await alice.ErrorAsync("watch", new { users = "bob" }));
        Assert.Equal("bad_field", await alice.ErrorAsync("watch", new { users = new object[] { 7 } }));
        Assert.Equal("missing_field", await alice.ErrorAsync("watch", new { }));
        await alice.OkAsync("ping");
    }
}
