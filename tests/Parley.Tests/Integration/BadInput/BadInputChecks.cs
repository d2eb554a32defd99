using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Tests.Support;

namespace Parley.Tests.Integration.BadInput;

/// <summary>
/// What every bad-input test checks with: the limits it probes, reading error replies, and
/// <see cref="AssertUndisturbedAsync"/>, the proof that two bystanders can still talk. Static, so
/// the tests that start a server of their own (<see cref="ConnectionLimitTests"/>) use them too.
/// </summary>
internal static class BadInputChecks
{
    public const int MaxLineBytes = 64 * 1024;
    public const int MaxTextChars = 4000;

    /// <summary>Ids for hand-written request lines; far above the ids <see cref="ProtocolClient"/> assigns itself.</summary>
    public const long RawId = 900_001;

    /// <summary>Two bystanders signed in to lobby: alice over TCP and bob over WebSocket.</summary>
    public static async Task<(LineClient Alice, WsClient Bob)> BystandersAsync(TestServer server)
    {
        var alice = await server.RegisterAsync("alice");
        var bob = await server.ConnectWebSocketAsync();
        await bob.OkAsync("register", new { user = "bob", password = "password1" });
        return (alice, bob);
    }

    public static string Text(JsonElement frame, string field) => frame.GetProperty(field).GetString()!;

    public static bool IsReplyTo(JsonElement frame, long id) =>
        frame.TryGetProperty("re", out var re) && re.ValueKind == JsonValueKind.Number && re.GetInt64() == id;

    /// <summary>An error sent without a usable id: it must say "re": null, a code and a message.</summary>
    public static async Task<string> UncorrelatedErrorAsync(ProtocolClient client)
    {
        var error = await client.NextAsync("error");
        Assert.Equal(JsonValueKind.Null, error.GetProperty("re").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(Text(error, "message")));
        return Text(error, "code");
    }

    /// <summary>The error answering a hand-written request line with id <see cref="RawId"/>.</summary>
    public static async Task<string> RawErrorAsync(ProtocolClient client, long id = RawId)
    {
        var error = await client.NextAsync("error", e => IsReplyTo(e, id));
        Assert.False(string.IsNullOrWhiteSpace(Text(error, "message")));
        return Text(error, "code");
    }

    public static async Task<string[]> OnlineAsync(ProtocolClient client) =>
        (await client.OkAsync("online")).GetProperty("users").EnumerateArray().Select(u => u.GetString()!).ToArray();

    public static async Task<bool> IsOnlineAsync(ProtocolClient client, string user) =>
        (await OnlineAsync(client)).Contains(user, StringComparer.OrdinalIgnoreCase);

    public static List<JsonElement> MessagesOf(ProtocolClient client) =>
        client.Received.Where(f => f.TryGetProperty("type", out var t) && t.GetString() == "message").ToList();

    /// <summary>
    /// The server still works for everyone else: neither bystander was told goodbye or cut off,
    /// each hears the other in lobby, and a new connection is answered.
    /// </summary>
    public static async Task AssertUndisturbedAsync(TestServer server, ProtocolClient alice, ProtocolClient bob,
        string aliceName = "alice", string bobName = "bob")
    {
        Assert.False(alice.Closed.IsCompleted, "alice's connection was closed");
        Assert.False(bob.Closed.IsCompleted, "bob's connection was closed");
        Assert.True(alice.HasNo("bye"), "alice was sent a bye");
        Assert.True(bob.HasNo("bye"), "bob was sent a bye");

        var fromAlice = $"{aliceName} is still here {Guid.NewGuid():N}";
        await alice.OkAsync("send", new { room = "lobby", text = fromAlice });
        var heard = await bob.NextAsync("message", m => Text(m, "text") == fromAlice);
        Assert.Equal(aliceName, Text(heard, "from"));
        Assert.Equal("lobby", Text(heard, "room"));

        var fromBob = $"{bobName} is still here {Guid.NewGuid():N}";
        await bob.OkAsync("send", new { room = "lobby", text = fromBob });
        Assert.Equal(bobName, Text(await alice.NextAsync("message", m => Text(m, "text") == fromBob), "from"));

        await using var fresh = await server.ConnectAsync();
        await fresh.OkAsync("ping");
    }

    public static JsonNode Fields(string json) => JsonNode.Parse(json)!;
}
