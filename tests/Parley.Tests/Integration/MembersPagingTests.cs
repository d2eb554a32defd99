using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>The paged <c>members</c> op and the bounded join reply, over real TCP (issue 36).</summary>
public sealed class MembersPagingTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly List<LineClient> _clients = [];

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new() { ["Limits:MembersPageMax"] = "120" });

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            await client.DisposeAsync();
        await _server.DisposeAsync();
    }

    // u_1 .. u_N, every seventh spelt in upper case (the order ignores case), registered out of order.
    private static string NameOf(int i) => (i % 7 == 0 ? "U_" : "u_") + i;

    /// <summary>Registers users 1..<paramref name="count"/> on one connection (register, logout, ...): they are members of lobby, offline.</summary>
    private async Task<LineClient> RegisterOfflineAsync(int count)
    {
        var registrar = await _server.ConnectAsync();
        _clients.Add(registrar);
        foreach (var i in Enumerable.Range(1, count).OrderBy(i => (i * 7919) % count))
        {
            await registrar.OkAsync("register", new { user = NameOf(i), password = "password1" });
            await registrar.OkAsync("logout");
        }
        return registrar;
    }

    private async Task<LineClient> LoginAsync(int i)
    {
        var client = await _server.ConnectAsync();
        _clients.Add(client);
        await client.OkAsync("login", new { user = NameOf(i), password = "password1" });
        return client;
    }

    private static (string User, bool Online)[] Members(JsonElement reply) =>
        reply.GetProperty("members").EnumerateArray().Select(m => (m.GetProperty("user").GetString()!, m.GetProperty("online").GetBoolean())).ToArray();

    private static string? Next(JsonElement reply) =>
        reply.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;

    [Fact]
    public async Task Paging_through_250_members_by_100_gives_each_once_online_first_in_natural_order()
    {
        var reader = await RegisterOfflineAsync(250);
        int[] online = [200, 5, 101, 7, 30];
        foreach (var i in online.Where(i => i != 5))
            await LoginAsync(i);
        await reader.OkAsync("login", new { user = NameOf(5), password = "password1" });

        var pages = new List<JsonElement>();
        string? after = null;
        do
        {
            var page = after is null
                ? await reader.OkAsync("members", new { room = "lobby", limit = 100 })
                : await reader.OkAsync("members", new { room = "lobby", limit = 100, after });
            pages.Add(page);
            after = Next(page);
        }
        while (after is not null && pages.Count < 10);

        Assert.Equal([100, 100, 50], pages.Select(p => Members(p).Length));
        Assert.All(pages, p => Assert.Equal((250, 5), (p.GetProperty("total").GetInt32(), p.GetProperty("online").GetInt32())));
        Assert.NotNull(Next(pages[0]));
        Assert.NotNull(Next(pages[1]));
        Assert.False(pages[2].TryGetProperty("next", out _));
        var all = pages.SelectMany(Members).ToArray();
        var expected = online.Order().Select(i => (NameOf(i), true))
            .Concat(Enumerable.Range(1, 250).Except(online).Select(i => (NameOf(i), false)))
            .ToArray();
        Assert.Equal(expected, all);
        // Natural order ignoring case, not ordinal: u_2 before u_10, U_14 between u_13 and u_15.
        Assert.Equal(["u_1", "u_2", "u_3", "u_4", "u_6", "u_8", "u_9", "u_10", "u_11", "u_12", "u_13", "U_14", "u_15"], all.Skip(5).Take(13).Select(m => m.User));
    }

    [Fact]
    public async Task Without_a_limit_a_page_is_the_server_s_maximum()
    {
        var reader = await RegisterOfflineAsync(130);
        await reader.OkAsync("login", new { user = NameOf(1), password = "password1" });

        var first = await reader.OkAsync("members", new { room = "lobby" });
        Assert.Equal(120, Members(first).Length);
        Assert.Equal(("u_1", true), Members(first)[0]);
        Assert.Equal(("u_2", false), Members(first)[1]);
        var rest = await reader.OkAsync("members", new { room = "lobby", after = Next(first) });
        Assert.Equal(10, Members(rest).Length);
        Assert.Equal(("u_130", false), Members(rest)[^1]);
        Assert.Null(Next(rest));
    }

    [Fact]
    public async Task A_bad_cursor_or_limit_gets_a_stable_error_code()
    {
        await using var alice = await _server.RegisterAsync("alice");
        var first = await alice.OkAsync("members", new { room = "lobby", limit = 1 });
        Assert.Null(Next(first));

        Assert.Equal("bad_cursor", await alice.ErrorAsync("members", new { room = "lobby", after = "not a cursor!" }));
        Assert.Equal("bad_cursor", await alice.ErrorAsync("members", new { room = "lobby", after = "" }));
        Assert.Equal("bad_cursor", await alice.ErrorAsync("members", new { room = "lobby", after = "AA" }));
        Assert.Equal("bad_field", await alice.ErrorAsync("members", new { room = "lobby", after = 5 }));
        Assert.Equal("bad_field", await alice.ErrorAsync("members", new { room = "lobby", limit = 0 }));
        Assert.Equal("bad_field", await alice.ErrorAsync("members", new { room = "lobby", limit = 121 }));
        Assert.Equal("bad_field", await alice.ErrorAsync("members", new { room = "lobby", limit = -1 }));
        Assert.Equal("bad_field", await alice.ErrorAsync("members", new { room = "lobby", limit = 1.5 }));
        var message = (await alice.RequestAsync("members", new { room = "lobby", limit = 500 })).GetProperty("message").GetString();
        Assert.Contains("1 to 120", message);
        Assert.Equal("no_such_room", await alice.ErrorAsync("members", new { room = "nowhere", limit = 10 }));
    }

    [Fact]
    public async Task A_query_pages_the_matching_members_only_ignoring_case_with_their_counts()
    {
        // u_1 .. u_150: those containing "u_1" ignoring case are u_1, u_10..u_19, u_100..u_150 (62), U_14 and U_105 among them.
        var reader = await RegisterOfflineAsync(150);
        foreach (var i in new[] { 12, 140, 7 })
            await LoginAsync(i);
        await reader.OkAsync("login", new { user = NameOf(120), password = "password1" });
        var expected = new[] { 12, 120, 140 }.Select(i => (NameOf(i), true))
            .Concat(Enumerable.Range(1, 150).Where(i => NameOf(i).Contains("u_1", StringComparison.OrdinalIgnoreCase) && i is not (12 or 120 or 140))
                .Select(i => (NameOf(i), false)))
            .ToArray();
        Assert.Equal(62, expected.Length);

        var pages = new List<JsonElement>();
        string? after = null;
        do
        {
            var page = after is null
                ? await reader.OkAsync("members", new { room = "lobby", limit = 25, query = "U_1" })
                : await reader.OkAsync("members", new { room = "lobby", limit = 25, after, query = "U_1" });
            pages.Add(page);
            after = Next(page);
        }
        while (after is not null && pages.Count < 10);

        Assert.Equal([25, 25, 12], pages.Select(p => Members(p).Length));
        Assert.All(pages, p => Assert.Equal((62, 3), (p.GetProperty("total").GetInt32(), p.GetProperty("online").GetInt32())));
        Assert.Equal(expected, pages.SelectMany(Members).ToArray());
        Assert.Contains(("U_14", false), expected);

        // Any case in the query, any part of the name; "" is no query at all.
        Assert.Equal([("U_105", false)], Members(await reader.OkAsync("members", new { room = "lobby", query = "u_105" })));
        Assert.Equal([("u_150", false)], Members(await reader.OkAsync("members", new { room = "lobby", query = "_150" })));
        var all = await reader.OkAsync("members", new { room = "lobby", query = "" });
        Assert.Equal((150, 4), (all.GetProperty("total").GetInt32(), all.GetProperty("online").GetInt32()));
        // No match is an empty page with zero counts, whatever the script.
        foreach (var query in new[] { "zzz", "张伟", "Ä", "\u200b" })
        {
            var none = await reader.OkAsync("members", new { room = "lobby", query });
            Assert.Empty(Members(none));
            Assert.Equal((0, 0), (none.GetProperty("total").GetInt32(), none.GetProperty("online").GetInt32()));
            Assert.Null(Next(none));
        }
    }

    [Fact]
    public async Task A_query_longer_than_64_characters_or_not_a_string_is_a_bad_field()
    {
        await using var alice = await _server.RegisterAsync("alice");
        Assert.Equal([("alice", true)], Members(await alice.OkAsync("members", new { room = "lobby", query = new string('a', 1) })));
        Assert.Empty(Members(await alice.OkAsync("members", new { room = "lobby", query = new string('a', 64) })));
        // 64 emoji are 128 UTF-16 units but 64 characters.
        Assert.Empty(Members(await alice.OkAsync("members", new { room = "lobby", query = string.Concat(Enumerable.Repeat("😀", 64)) })));
        Assert.Equal("bad_field", await alice.ErrorAsync("members", new { room = "lobby", query = new string('a', 65) }));
        Assert.Equal("bad_field", await alice.ErrorAsync("members", new { room = "lobby", query = 5 }));
        Assert.Equal("no_such_room", await alice.ErrorAsync("members", new { room = "nowhere", query = "a" }));
    }

    [Fact]
    public async Task A_join_reply_carries_the_first_page_and_the_counts_and_the_room_list_only_counts()
    {
        var founder = await RegisterOfflineAsync(1);
        await founder.OkAsync("login", new { user = NameOf(1), password = "password1" });
        await founder.OkAsync("create", new { room = "big" });
        var members = new List<LineClient>();
        for (var i = 2; i <= 130; i++)
        {
            var member = await _server.RegisterAsync(NameOf(i));
            _clients.Add(member);
            await member.OkAsync("join", new { room = "big" });
        }
        await using var late = await _server.RegisterAsync("zed");

        var joined = await late.OkAsync("join", new { room = "big" });
        Assert.Equal(120, Members(joined).Length);
        Assert.Equal((131, 131), (joined.GetProperty("total").GetInt32(), joined.GetProperty("online").GetInt32()));
        Assert.Equal(("u_1", true), Members(joined)[0]);
        var rest = await late.OkAsync("members", new { room = "big", after = Next(joined) });
        Assert.Equal(11, Members(rest).Length);
        Assert.Equal(("zed", true), Members(rest)[^1]);

        var created = await late.OkAsync("create", new { room = "small" });
        Assert.Equal([("zed", true)], Members(created));
        Assert.Equal((1, 1), (created.GetProperty("total").GetInt32(), created.GetProperty("online").GetInt32()));

        var rooms = (await late.OkAsync("rooms")).GetProperty("rooms").EnumerateArray().ToArray();
        var big = rooms.Single(r => r.GetProperty("name").GetString() == "big");
        Assert.Equal(JsonValueKind.Number, big.GetProperty("members").ValueKind);
        Assert.Equal(131, big.GetProperty("members").GetInt32());
    }
}
