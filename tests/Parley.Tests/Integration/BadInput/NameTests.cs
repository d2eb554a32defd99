using Parley.Core.Model;
using static Parley.Tests.Integration.BadInput.BadInputChecks;

namespace Parley.Tests.Integration.BadInput;

/// <summary>User and room names: the name rule and its edges, names taken in another case, rooms and users that do not exist.</summary>
public sealed class NameTests : BadInputTestBase
{
    public static TheoryData<string> BadNames => new()
    {
        "",
        new string('a', 33),
        "has space",
        " alice",
        "1abc",
        "9",
        "_under",
        "-dash",
        "caf\u00e9",
        "dot.name",
        "tab\tname",
        "#channel",
        "new\nline",
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Bad_user_names_at_register_get_bad_name(string name)
    {
        await using var stranger = await Server.ConnectAsync();
        Assert.Equal(ErrorCodes.BadName, await stranger.ErrorAsync("register", new { user = name, password = "password1" }));
        // Still not signed in, and still served.
        Assert.Equal(ErrorCodes.Unauthenticated, await stranger.ErrorAsync("rooms"));
        await stranger.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Z-9_x")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")] // 32 characters, the longest allowed
    public async Task Good_user_names_at_the_edges_of_the_rule_are_accepted(string name)
    {
        await using var client = await Server.ConnectAsync();
        var reply = await client.OkAsync("register", new { user = name, password = "password1" });
        Assert.Equal(name, Text(reply, "user"));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_user_name_taken_in_another_case_gets_user_exists()
    {
        await using var stranger = await Server.ConnectAsync();
        Assert.Equal(ErrorCodes.UserExists, await stranger.ErrorAsync("register", new { user = "ALICE", password = "password1" }));
        await AssertUndisturbedAsync();
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Bad_room_names_at_create_get_bad_name(string name)
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.BadName, await mallory.ErrorAsync("create", new { room = name }));
        var rooms = (await mallory.OkAsync("rooms")).GetProperty("rooms").EnumerateArray().Select(r => Text(r, "name")).ToArray();
        Assert.Equal(["lobby"], rooms);
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_room_name_of_32_characters_is_accepted_and_an_existing_one_in_another_case_is_room_exists()
    {
        await using var mallory = await MalloryAsync();
        const string name = "Room_abcdefghijklmnopqrstuvwxyz0";
        Assert.Equal(32, name.Length);
        Assert.Equal(name, Text(await mallory.OkAsync("create", new { room = name }), "room"));
        Assert.Equal(ErrorCodes.RoomExists, await mallory.ErrorAsync("create", new { room = name.ToUpperInvariant() }));
        Assert.Equal(ErrorCodes.RoomExists, await mallory.ErrorAsync("create", new { room = "LOBBY" }));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Joining_or_sending_to_a_missing_room_gets_no_such_room()
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.NoSuchRoom, await mallory.ErrorAsync("join", new { room = "nowhere" }));
        Assert.Equal(ErrorCodes.NoSuchRoom, await mallory.ErrorAsync("send", new { room = "nowhere", text = "hello?" }));
        Assert.Equal(ErrorCodes.NoSuchRoom, await mallory.ErrorAsync("members", new { room = "nowhere" }));
        Assert.Equal(ErrorCodes.NoSuchRoom, await mallory.ErrorAsync("history", new { room = "nowhere" }));
        // A name that could never be a room says so rather than "no such room".
        Assert.Equal(ErrorCodes.BadName, await mallory.ErrorAsync("join", new { room = "no where" }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_direct_message_to_an_unknown_user_gets_no_such_user()
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.NoSuchUser, await mallory.ErrorAsync("send", new { to = "nobody", text = "hello?" }));
        Assert.Equal(ErrorCodes.NoSuchUser, await mallory.ErrorAsync("history", new { with = "nobody" }));
        Assert.Equal(ErrorCodes.BadName, await mallory.ErrorAsync("send", new { to = "no body", text = "hello?" }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }
}
