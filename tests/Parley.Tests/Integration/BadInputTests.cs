using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Core.Model;
using Parley.Tests.Support;
using Xunit.Abstractions;

namespace Parley.Tests.Integration;

/// <summary>
/// Everything a client can get wrong, against the real server over real TCP and WebSocket. Each
/// case checks the exact stable error code, that the offending connection is still served (or,
/// where the protocol says so, closed with a reason), and that two bystanders signed in to lobby,
/// alice over TCP and bob over WebSocket, can still talk both ways afterwards.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxLineBytes = 64 * 1024;
    private const int MaxTextChars = 4000;

    /// <summary>Ids for hand-written request lines; far above the ids <see cref="ProtocolClient"/> assigns itself.</summary>
    private const long RawId = 900_001;

    private TestServer _server = null!;
    private LineClient _alice = null!;
    private WsClient _bob = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        (_alice, _bob) = await BystandersAsync(_server);
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _bob.DisposeAsync();
        await _server.DisposeAsync();
    }

    // ---- Helpers --------------------------------------------------------------------------------

    private static async Task<(LineClient Alice, WsClient Bob)> BystandersAsync(TestServer server)
    {
        var alice = await server.RegisterAsync("alice");
        var bob = await server.ConnectWebSocketAsync();
        await bob.OkAsync("register", new { user = "bob", password = "password1" });
        return (alice, bob);
    }

    private Task<LineClient> MalloryAsync() => _server.RegisterAsync("mallory");

    private static string Text(JsonElement frame, string field) => frame.GetProperty(field).GetString()!;

    private static bool IsReplyTo(JsonElement frame, long id) =>
        frame.TryGetProperty("re", out var re) && re.ValueKind == JsonValueKind.Number && re.GetInt64() == id;

    /// <summary>An error sent without a usable id: it must say "re": null, a code and a message.</summary>
    private static async Task<string> UncorrelatedErrorAsync(ProtocolClient client)
    {
        var error = await client.NextAsync("error");
        Assert.Equal(JsonValueKind.Null, error.GetProperty("re").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(Text(error, "message")));
        return Text(error, "code");
    }

    /// <summary>The error answering a hand-written request line with id <see cref="RawId"/>.</summary>
    private static async Task<string> RawErrorAsync(ProtocolClient client, long id = RawId)
    {
        var error = await client.NextAsync("error", e => IsReplyTo(e, id));
        Assert.False(string.IsNullOrWhiteSpace(Text(error, "message")));
        return Text(error, "code");
    }

    private static async Task<string[]> OnlineAsync(ProtocolClient client) =>
        (await client.OkAsync("online")).GetProperty("users").EnumerateArray().Select(u => u.GetString()!).ToArray();

    private static async Task<bool> IsOnlineAsync(ProtocolClient client, string user) =>
        (await OnlineAsync(client)).Contains(user, StringComparer.OrdinalIgnoreCase);

    private static List<JsonElement> MessagesOf(ProtocolClient client) =>
        client.Received.Where(f => f.TryGetProperty("type", out var t) && t.GetString() == "message").ToList();

    /// <summary>
    /// The server still works for everyone else: neither bystander was told goodbye or cut off,
    /// each hears the other in lobby, and a new connection is answered.
    /// </summary>
    private static async Task AssertUndisturbedAsync(TestServer server, ProtocolClient alice, ProtocolClient bob,
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

    private Task AssertUndisturbedAsync() => AssertUndisturbedAsync(_server, _alice, _bob);

    /// <summary>
    /// Nothing from <paramref name="user"/> reached the bystanders. Call after
    /// <see cref="AssertUndisturbedAsync()"/>: lobby is delivered in order, so anything the offender
    /// got into lobby before would have arrived before the bystanders' own later messages.
    /// </summary>
    private void AssertNothingRelayedFrom(string user)
    {
        Assert.True(_alice.HasNo("message", m => Text(m, "from") == user), $"alice received a message from {user}");
        Assert.True(_bob.HasNo("message", m => Text(m, "from") == user), $"bob received a message from {user}");
    }

    private static JsonNode Fields(string json) => JsonNode.Parse(json)!;

    // ---- Syntax: not JSON, not an object, wrong shape ---------------------------------------------

    [Theory]
    [InlineData("{\"id\":1,\"type\":")]
    [InlineData("{'id':1,'type':'ping'}")]
    [InlineData("{\"id\":1,\"type\":\"ping\"} and more")]
    [InlineData("{\"id\":1,\"type\":\"ping\",}")]
    [InlineData("hello server")]
    [InlineData("   ")]
    public async Task Invalid_JSON_gets_bad_json_and_the_session_goes_on(string line)
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync(line);
        Assert.Equal(ErrorCodes.BadJson, await UncorrelatedErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Theory]
    [InlineData("{\"id\":1,\"type\":")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task Invalid_JSON_over_WebSocket_gets_bad_json_and_the_session_goes_on(string message)
    {
        await using var mallory = await _server.ConnectWebSocketAsync();
        await mallory.OkAsync("register", new { user = "mallory", password = "password1" });
        await mallory.SendRawAsync(message);
        Assert.Equal(ErrorCodes.BadJson, await UncorrelatedErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Theory]
    [InlineData("[{\"id\":1,\"type\":\"ping\"}]")]
    [InlineData("\"ping\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task JSON_that_is_not_an_object_gets_not_object(string line)
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync(line);
        Assert.Equal(ErrorCodes.NotObject, await UncorrelatedErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task An_unknown_type_gets_unknown_type_with_the_request_id()
    {
        await using var mallory = await MalloryAsync();
        var reply = await mallory.RequestAsync("fly", new { room = "lobby" });
        Assert.Equal("error", Text(reply, "type"));
        Assert.Equal(ErrorCodes.UnknownType, Text(reply, "code"));
        Assert.Contains("fly", Text(reply, "message"));
        // Types are case-sensitive: "PING" is not "ping".
        Assert.Equal(ErrorCodes.UnknownType, await mallory.ErrorAsync("PING"));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task An_unknown_type_before_login_is_unknown_type_too()
    {
        await using var stranger = await _server.ConnectAsync();
        Assert.Equal(ErrorCodes.UnknownType, await stranger.ErrorAsync("hack"));
        await stranger.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_request_without_a_type_gets_missing_field_with_its_id()
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync($"{{\"id\":{RawId},\"room\":\"lobby\",\"text\":\"hi\"}}");
        Assert.Equal(ErrorCodes.MissingField, await RawErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("send", "{\"room\":\"lobby\"}")]
    [InlineData("send", "{\"text\":\"to nowhere\"}")]
    [InlineData("send", "{\"room\":null,\"text\":\"hi\"}")]
    [InlineData("join", "{}")]
    [InlineData("create", "{\"topic\":\"no name\"}")]
    [InlineData("read", "{\"room\":\"lobby\"}")]
    [InlineData("history", "{\"limit\":5}")]
    [InlineData("members", "{}")]
    [InlineData("topic", "{\"room\":\"lobby\"}")]
    public async Task Missing_fields_get_missing_field(string type, string fields)
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.MissingField, await mallory.ErrorAsync(type, Fields(fields)));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("register", "{\"user\":\"zed\"}")]
    [InlineData("register", "{\"password\":\"password1\"}")]
    [InlineData("login", "{\"user\":\"alice\"}")]
    [InlineData("resume", "{}")]
    public async Task Missing_fields_before_login_get_missing_field(string type, string fields)
    {
        await using var stranger = await _server.ConnectAsync();
        Assert.Equal(ErrorCodes.MissingField, await stranger.ErrorAsync(type, Fields(fields)));
        await stranger.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Theory]
    [InlineData("send", "{\"room\":\"lobby\",\"text\":42}")]
    [InlineData("send", "{\"room\":\"lobby\",\"text\":[\"hi\"]}")]
    [InlineData("send", "{\"room\":\"lobby\",\"text\":{\"body\":\"hi\"}}")]
    [InlineData("send", "{\"room\":7,\"text\":\"hi\"}")]
    [InlineData("send", "{\"room\":\"lobby\",\"to\":\"alice\",\"text\":\"both\"}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":\"1\"}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":-1}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":1.5}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":9223372036854775808}")]
    [InlineData("history", "{\"room\":\"lobby\",\"before\":\"10\"}")]
    [InlineData("history", "{\"room\":\"lobby\",\"limit\":true}")]
    [InlineData("join", "{\"room\":[\"lobby\"]}")]
    [InlineData("create", "{\"room\":\"newroom\",\"topic\":5}")]
    [InlineData("topic", "{\"room\":\"lobby\",\"topic\":false}")]
    public async Task Mistyped_fields_get_bad_field(string type, string fields)
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.BadField, await mallory.ErrorAsync(type, Fields(fields)));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("{\"user\":7,\"password\":\"password1\"}")]
    [InlineData("{\"user\":\"zed\",\"password\":12345678}")]
    public async Task Mistyped_fields_at_register_get_bad_field(string fields)
    {
        await using var stranger = await _server.ConnectAsync();
        Assert.Equal(ErrorCodes.BadField, await stranger.ErrorAsync("register", Fields(fields)));
        await stranger.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_type_that_is_not_a_string_gets_bad_field_with_its_id()
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync($"{{\"id\":{RawId},\"type\":5}}");
        Assert.Equal(ErrorCodes.BadField, await RawErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Theory]
    [InlineData("{\"id\":{},\"type\":\"ping\"}")]
    [InlineData("{\"id\":[1],\"type\":\"ping\"}")]
    [InlineData("{\"id\":true,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"x\"}")]
    [InlineData("{\"id\":null,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"x\"}")]
    public async Task An_id_that_is_neither_number_nor_string_gets_bad_field_and_is_not_acted_on(string line)
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync(line);
        Assert.Equal(ErrorCodes.BadField, await UncorrelatedErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("\"a1\"")]
    [InlineData("-7")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("\"\"")]
    public async Task Any_number_or_string_id_is_echoed_exactly_as_sent(string id)
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync($"{{\"id\":{id},\"type\":\"ping\"}}");
        await mallory.SendRawAsync($"{{\"id\":{id},\"type\":\"nope\"}}");
        var ok = await mallory.NextAsync("ok");
        Assert.Equal(id, ok.GetProperty("re").GetRawText());
        var error = await mallory.NextAsync("error");
        Assert.Equal(id, error.GetProperty("re").GetRawText());
        Assert.Equal(ErrorCodes.UnknownType, Text(error, "code"));
        await AssertUndisturbedAsync();
    }

    // ---- Bytes: invalid UTF-8, lone surrogates, framing ---------------------------------------------

    public static TheoryData<byte[]> InvalidUtf8 => new()
    {
        { [0xFF] },                 // never valid
        { [0xC0, 0xAF] },           // overlong '/'
        { [0xED, 0xA0, 0x80] },     // a surrogate encoded as UTF-8
        { [0xE2, 0x82] },           // a sequence cut short
        { [0x80] },                 // a lone continuation byte
        { [0xF4, 0x90, 0x80, 0x80] }, // beyond U+10FFFF
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public async Task Invalid_UTF8_gets_bad_utf8_and_the_session_goes_on(byte[] bad)
    {
        await using var mallory = await MalloryAsync();
        var line = Encoding.UTF8.GetBytes($"{{\"id\":{RawId},\"type\":\"send\",\"room\":\"lobby\",\"text\":\"x")
            .Concat(bad).Concat(Encoding.UTF8.GetBytes("x\"}\n")).ToArray();
        await mallory.SendBytesAsync(line);
        Assert.Equal(ErrorCodes.BadUtf8, await UncorrelatedErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Fact]
    public async Task A_text_with_an_escaped_lone_surrogate_gets_a_request_error_not_internal()
    {
        // Valid UTF-8 and valid JSON syntax, but "\ud800" names half a character: no string can be
        // made of it. That is the client's mistake (a stable request code), not a server failure.
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync($"{{\"id\":{RawId},\"type\":\"send\",\"room\":\"lobby\",\"text\":\"half \\ud800 a character\"}}");
        var code = await RawErrorAsync(mallory);
        Assert.Contains(code, new[] { ErrorCodes.BadField, ErrorCodes.BadJson, ErrorCodes.BadUtf8 });
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Fact]
    public async Task A_type_with_an_escaped_lone_surrogate_gets_an_error_and_the_connection_stays()
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync($"{{\"id\":{RawId},\"type\":\"\\udc00\"}}");
        await Until.TrueAsync(
            () => !mallory.HasNo("error", e => IsReplyTo(e, RawId)) || mallory.Closed.IsCompleted,
            "an error reply arrives or the connection closes");
        Assert.False(mallory.Closed.IsCompleted, "the server dropped the connection instead of answering with an error");
        var code = await RawErrorAsync(mallory);
        Assert.Contains(code, new[] { ErrorCodes.BadField, ErrorCodes.BadJson, ErrorCodes.BadUtf8, ErrorCodes.UnknownType });
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task An_id_with_an_escaped_lone_surrogate_gets_a_reply_and_the_connection_stays()
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync("{\"id\":\"x\\udc00\",\"type\":\"ping\"}");
        await Until.TrueAsync(
            () => mallory.Received.Any(f => Text(f, "type") is "ok" or "error") || mallory.Closed.IsCompleted,
            "a reply arrives or the connection closes");
        Assert.False(mallory.Closed.IsCompleted, "the server dropped the connection instead of replying");
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_type_with_an_escaped_lone_surrogate_over_WebSocket_gets_an_error_and_the_connection_stays()
    {
        await using var mallory = await _server.ConnectWebSocketAsync();
        await mallory.OkAsync("register", new { user = "mallory", password = "password1" });
        await mallory.SendRawAsync($"{{\"id\":{RawId},\"type\":\"\\ud800\"}}");
        await Until.TrueAsync(
            () => !mallory.HasNo("error", e => IsReplyTo(e, RawId)) || mallory.Closed.IsCompleted,
            "an error reply arrives or the connection closes");
        Assert.False(mallory.Closed.IsCompleted, "the server dropped the WebSocket instead of answering with an error");
        var code = await RawErrorAsync(mallory);
        Assert.Contains(code, new[] { ErrorCodes.BadField, ErrorCodes.BadJson, ErrorCodes.BadUtf8, ErrorCodes.UnknownType });
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Requests_coalesced_in_one_write_or_split_across_writes_are_each_answered_once()
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendBytesAsync(Encoding.UTF8.GetBytes(
            $"{{\"id\":{RawId},\"type\":\"ping\"}}\n\r\n{{\"id\":{RawId + 1},\"type\":\"ping\"}}\r\n\n{{\"id\":{RawId + 2},\"type\":\"pi"));
        await mallory.SendBytesAsync(Encoding.UTF8.GetBytes("ng\"}\n"));
        foreach (var b in Encoding.UTF8.GetBytes($"{{\"id\":{RawId + 3},\"type\":\"ping\"}}\r\n"))
            await mallory.SendBytesAsync([b]);
        for (var id = RawId; id <= RawId + 3; id++)
        {
            var expected = id;
            await mallory.NextAsync("ok", f => IsReplyTo(f, expected));
        }
        await mallory.OkAsync("ping");
        // Blank lines are skipped, not answered: one reply per request, and no error at all.
        Assert.Equal(4, mallory.Received.Count(f => f.TryGetProperty("re", out var re) && re.ValueKind == JsonValueKind.Number && re.GetInt64() >= RawId));
        Assert.True(mallory.HasNo("error"));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_last_request_without_a_newline_is_answered_when_the_client_half_closes()
    {
        await using var stranger = await _server.ConnectAsync();
        await stranger.SendBytesAsync(Encoding.UTF8.GetBytes($"{{\"id\":{RawId},\"type\":\"ping\"}}\n{{\"id\":{RawId + 1},\"type\":\"ping\"}}"));
        stranger.ShutdownSend();
        await stranger.NextAsync("ok", f => IsReplyTo(f, RawId));
        await stranger.NextAsync("ok", f => IsReplyTo(f, RawId + 1));
        await stranger.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Input_cut_off_mid_request_gets_bad_json_when_the_client_half_closes()
    {
        await using var stranger = await _server.ConnectAsync();
        await stranger.SendBytesAsync(Encoding.UTF8.GetBytes($"{{\"id\":{RawId},\"type\":\"pi"));
        stranger.ShutdownSend();
        Assert.Equal(ErrorCodes.BadJson, await UncorrelatedErrorAsync(stranger));
        await stranger.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        await AssertUndisturbedAsync();
    }

    // ---- Size limits: lines and WebSocket messages -----------------------------------------------

    /// <summary>A ping request line of exactly <paramref name="bytes"/> UTF-8 bytes (without the newline).</summary>
    private static string PingOfLength(int bytes)
    {
        var head = $"{{\"id\":{RawId},\"type\":\"ping\",\"pad\":\"";
        const string tail = "\"}";
        var line = head + new string('p', bytes - head.Length - tail.Length) + tail;
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(line));
        return line;
    }

    private static async Task SendCutOffAsync(LineClient client, byte[] bytes)
    {
        try
        {
            await client.SendBytesAsync(bytes);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // The server may hang up before it has read all of an oversized line; that is allowed.
        }
    }

    /// <summary>An oversized frame: error line_too_long (no id), then bye, then the server closes.</summary>
    private async Task AssertCutOffForLengthAsync(ProtocolClient mallory)
    {
        Assert.Equal(ErrorCodes.LineTooLong, await UncorrelatedErrorAsync(mallory));
        var bye = await mallory.NextAsync("bye");
        Assert.Equal(ByeReasons.LineTooLong, Text(bye, "reason"));
        var frames = mallory.Received.Select(f => Text(f, "type")).ToList();
        Assert.True(frames.IndexOf("error") < frames.IndexOf("bye"), "the error must come before the bye");
        Assert.Equal("bye", frames[^1]);
        await mallory.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        await Until.TrueAsync(async () => !await IsOnlineAsync(_alice, "mallory"), "mallory is offline");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_line_of_exactly_64_KiB_is_accepted()
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync(PingOfLength(MaxLineBytes));
        await mallory.NextAsync("ok", f => IsReplyTo(f, RawId));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_line_over_64_KiB_gets_line_too_long_then_bye_then_the_connection_closes()
    {
        await using var mallory = await MalloryAsync();
        await SendCutOffAsync(mallory, Encoding.UTF8.GetBytes(PingOfLength(MaxLineBytes + 1) + "\n"));
        await AssertCutOffForLengthAsync(mallory);
    }

    [Fact]
    public async Task A_line_over_64_KiB_is_cut_off_without_waiting_for_its_newline()
    {
        await using var mallory = await MalloryAsync();
        // No newline ever comes: the server must not buffer on and on waiting for one.
        await SendCutOffAsync(mallory, Encoding.UTF8.GetBytes("{\"id\":1,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"" + new string('z', MaxLineBytes + 100)));
        await AssertCutOffForLengthAsync(mallory);
        AssertNothingRelayedFrom("mallory");
    }

    [Fact]
    public async Task A_WebSocket_message_of_exactly_64_KiB_is_accepted()
    {
        await using var mallory = await _server.ConnectWebSocketAsync();
        await mallory.OkAsync("register", new { user = "mallory", password = "password1" });
        await mallory.SendRawAsync(PingOfLength(MaxLineBytes));
        await mallory.NextAsync("ok", f => IsReplyTo(f, RawId));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_WebSocket_message_over_64_KiB_gets_line_too_long_then_bye_then_the_connection_closes()
    {
        await using var mallory = await _server.ConnectWebSocketAsync();
        await mallory.OkAsync("register", new { user = "mallory", password = "password1" });
        await mallory.SendRawAsync(PingOfLength(MaxLineBytes + 1));
        await AssertCutOffForLengthAsync(mallory);
        // docs/protocol.md: after the bye, a Close frame with status 1000.
        Assert.Equal(WebSocketCloseStatus.NormalClosure, mallory.CloseStatus);
    }

    // ---- Message text ---------------------------------------------------------------------------

    [Fact]
    public async Task Text_of_4001_characters_gets_text_too_long_and_is_not_relayed()
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.TextTooLong, await mallory.ErrorAsync("send", new { room = "lobby", text = new string('a', MaxTextChars + 1) }));
        Assert.Equal(ErrorCodes.TextTooLong, await mallory.ErrorAsync("send", new { to = "alice", text = new string('a', MaxTextChars + 1) }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Fact]
    public async Task Text_of_exactly_4000_characters_is_accepted_and_relayed_whole()
    {
        await using var mallory = await MalloryAsync();
        var text = "<" + new string('a', MaxTextChars - 2) + ">";
        await mallory.OkAsync("send", new { room = "lobby", text });
        Assert.Equal(text, Text(await _alice.NextAsync("message", m => Text(m, "from") == "mallory"), "text"));
        Assert.Equal(text, Text(await _bob.NextAsync("message", m => Text(m, "from") == "mallory"), "text"));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Emoji_count_as_one_character_each()
    {
        await using var mallory = await MalloryAsync();
        const string grin = "\U0001F600"; // one character, two UTF-16 units, four UTF-8 bytes

        var allEmoji = string.Concat(Enumerable.Repeat(grin, MaxTextChars));
        await mallory.OkAsync("send", new { room = "lobby", text = allEmoji });
        Assert.Equal(allEmoji, Text(await _bob.NextAsync("message", m => Text(m, "from") == "mallory"), "text"));

        var mixed = new string('a', MaxTextChars - 1) + grin;
        await mallory.OkAsync("send", new { room = "lobby", text = mixed });
        Assert.Equal(mixed, Text(await _alice.NextAsync("message", m => Text(m, "text") == mixed), "text"));

        Assert.Equal(ErrorCodes.TextTooLong, await mallory.ErrorAsync("send", new { room = "lobby", text = allEmoji + grin }));
        Assert.Equal(ErrorCodes.TextTooLong, await mallory.ErrorAsync("send", new { room = "lobby", text = new string('a', MaxTextChars) + grin }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Empty_text_gets_empty_text_and_is_not_relayed()
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.EmptyText, await mallory.ErrorAsync("send", new { room = "lobby", text = "" }));
        Assert.Equal(ErrorCodes.EmptyText, await mallory.ErrorAsync("send", new { to = "alice", text = "" }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("\t\r\n \u00A0")]
    [InlineData("\u3000\u3000")] // ideographic spaces
    [InlineData("\u200B\u200C\u200D\u2060\uFEFF")] // zero-width padding
    [InlineData(" \u2800 \u3164 ")] // braille blank, Hangul filler
    public async Task Blank_text_gets_empty_text_over_TCP_and_WebSocket_and_is_not_relayed(string blank)
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.EmptyText, await mallory.ErrorAsync("send", new { room = "lobby", text = blank }));
        Assert.Equal(ErrorCodes.EmptyText, await mallory.ErrorAsync("send", new { to = "alice", text = blank }));
        Assert.Equal(ErrorCodes.EmptyText, await _bob.ErrorAsync("send", new { room = "lobby", text = blank }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData(" . ")]
    [InlineData("\u3000あ")]
    [InlineData("\u200B\U0001F44D")] // a thumbs-up after a zero-width space
    public async Task Text_with_one_visible_character_is_sent_as_it_is(string text)
    {
        await using var mallory = await MalloryAsync();
        await mallory.OkAsync("send", new { room = "lobby", text });
        Assert.Equal(text, Text(await _alice.NextAsync("message", m => Text(m, "from") == "mallory"), "text"));
    }

    [Theory]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<script>alert('x')</script> &amp; &lt; &")]
    [InlineData("/quit")]
    [InlineData("/me waves\n/nick evil")]
    [InlineData("line one\nline two\r\nline three\ttabbed")]
    [InlineData("quote \" backslash \\ slash / \\u0041")]
    [InlineData("{\"type\":\"bye\",\"reason\":\"shutdown\"}")]
    [InlineData("\u2028\u2029 separators \u0085")]
    [InlineData("  spaces around  ")]
    [InlineData("h\u00e9 \u4e16\u754c \U0001F600 \u200d\u202e reversed")]
    [InlineData("%s %n {0} $(rm -rf /) `id` '; DROP TABLE messages; --")]
    public async Task Text_is_stored_and_relayed_byte_for_byte_unchanged(string text)
    {
        await using var mallory = await MalloryAsync();
        var sent = await mallory.OkAsync("send", new { room = "lobby", text });
        var seq = sent.GetProperty("message").GetProperty("seq").GetInt64();

        foreach (var receiver in new ProtocolClient[] { _alice, _bob })
        {
            var heard = await receiver.NextAsync("message", m => Text(m, "from") == "mallory");
            Assert.Equal(seq, heard.GetProperty("seq").GetInt64());
            Assert.Equal(Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(Text(heard, "text")));
        }

        var history = await _bob.OkAsync("history", new { room = "lobby", limit = 1 });
        var stored = Assert.Single(history.GetProperty("messages").EnumerateArray());
        Assert.Equal(seq, stored.GetProperty("seq").GetInt64());
        Assert.Equal(Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(Text(stored, "text")));

        // A slash is not a command here: mallory is still signed in and in lobby.
        await mallory.OkAsync("ping");
        Assert.Contains("mallory", await OnlineAsync(_alice));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_direct_message_with_markup_reaches_its_recipient_unchanged()
    {
        await using var mallory = await MalloryAsync();
        const string text = "<b>hi</b>\n/whois alice";
        await mallory.OkAsync("send", new { to = "bob", text });
        var heard = await _bob.NextAsync("message", m => m.TryGetProperty("to", out _));
        Assert.Equal(text, Text(heard, "text"));
        Assert.Equal("mallory", Text(heard, "from"));
        await AssertUndisturbedAsync();
    }

    // ---- Names, rooms and users -----------------------------------------------------------------

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
        await using var stranger = await _server.ConnectAsync();
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
        await using var client = await _server.ConnectAsync();
        var reply = await client.OkAsync("register", new { user = name, password = "password1" });
        Assert.Equal(name, Text(reply, "user"));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_user_name_taken_in_another_case_gets_user_exists()
    {
        await using var stranger = await _server.ConnectAsync();
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

    // ---- Authentication --------------------------------------------------------------------------

    [Theory]
    [InlineData("send", "{\"room\":\"lobby\",\"text\":\"let me in\"}")]
    [InlineData("send", "{\"to\":\"alice\",\"text\":\"let me in\"}")]
    [InlineData("join", "{\"room\":\"lobby\"}")]
    [InlineData("leave", "{\"room\":\"lobby\"}")]
    [InlineData("create", "{\"room\":\"sneaky\"}")]
    [InlineData("rooms", "{}")]
    [InlineData("members", "{\"room\":\"lobby\"}")]
    [InlineData("online", "{}")]
    [InlineData("history", "{\"room\":\"lobby\"}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":1}")]
    [InlineData("topic", "{\"room\":\"lobby\",\"topic\":\"pwned\"}")]
    [InlineData("logout", "{}")]
    public async Task Requests_before_login_get_unauthenticated(string type, string fields)
    {
        await using var stranger = await _server.ConnectAsync();
        Assert.Equal(ErrorCodes.Unauthenticated, await stranger.ErrorAsync(type, Fields(fields)));
        await stranger.OkAsync("ping");
        await AssertUndisturbedAsync();
        Assert.True(_alice.HasNo("message", m => Text(m, "text") == "let me in"));
        Assert.True(_bob.HasNo("message", m => Text(m, "text") == "let me in"));
        Assert.True(_bob.HasNo("topic"));
        // The same connection may still sign in and then do it.
        await stranger.OkAsync("register", new { user = "latecomer", password = "password1" });
        await stranger.OkAsync("rooms");
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_bad_credentials_reply()
    {
        await using var stranger = await _server.ConnectAsync();
        var wrongPassword = await stranger.RequestAsync("login", new { user = "alice", password = "not-her-password" });
        var unknownUser = await stranger.RequestAsync("login", new { user = "nobody", password = "not-her-password" });
        Assert.Equal("error", Text(wrongPassword, "type"));
        Assert.Equal(ErrorCodes.BadCredentials, Text(wrongPassword, "code"));
        Assert.Equal(ErrorCodes.BadCredentials, Text(unknownUser, "code"));
        Assert.Equal(Text(wrongPassword, "message"), Text(unknownUser, "message"));
        // Nothing was signed in by the attempts.
        Assert.Equal(ErrorCodes.Unauthenticated, await stranger.ErrorAsync("rooms"));
        // The right password still works on the same connection.
        Assert.Equal("alice", Text(await stranger.OkAsync("login", new { user = "alice", password = "password1" }), "user"));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Repeated_failed_logins_reach_throttled_even_with_the_right_password()
    {
        await using var guesser = await _server.ConnectAsync();
        for (var attempt = 1; attempt <= 5; attempt++)
            Assert.Equal(ErrorCodes.BadCredentials, await guesser.ErrorAsync("login", new { user = "alice", password = $"guess{attempt:D4}" }));

        var refused = await guesser.RequestAsync("login", new { user = "alice", password = "password1" });
        Assert.Equal(ErrorCodes.Throttled, Text(refused, "code"));
        Assert.Contains("try again", Text(refused, "message"));
        Assert.Equal(ErrorCodes.Throttled, await guesser.ErrorAsync("login", new { user = "ALICE", password = "password1" }));
        await guesser.OkAsync("ping");

        // Another name is not held back, and alice's signed-in sessions carry on.
        await using var carol = await _server.RegisterAsync("carol");
        await using var carolAgain = await _server.ConnectAsync();
        await carolAgain.OkAsync("login", new { user = "carol", password = "password1" });
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Failed_logins_for_an_unknown_name_are_throttled_the_same_way()
    {
        await using var guesser = await _server.ConnectAsync();
        for (var attempt = 1; attempt <= 5; attempt++)
            Assert.Equal(ErrorCodes.BadCredentials, await guesser.ErrorAsync("login", new { user = "ghost", password = $"guess{attempt:D4}" }));
        Assert.Equal(ErrorCodes.Throttled, await guesser.ErrorAsync("login", new { user = "ghost", password = "guess9999" }));
        await AssertUndisturbedAsync();
    }

    // ---- Per-connection limits -------------------------------------------------------------------

    [Fact]
    public async Task A_flooding_connection_is_rate_limited_while_another_is_not()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Connections:RateBurst"] = "5",
            ["Connections:RatePerSecond"] = "1",
        });
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.ConnectWebSocketAsync();
        await bob.OkAsync("register", new { user = "bob", password = "password1" });
        await using var mallory = await server.RegisterAsync("mallory");

        var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            mallory.RequestAsync(i % 2 == 0 ? "ping" : "send", i % 2 == 0 ? null : new { room = "lobby", text = $"flood {i}" })));
        var outcomes = replies.Select(r => Text(r, "type") == "ok" ? "ok" : Text(r, "code")).ToList();
        Assert.All(outcomes, o => Assert.Contains(o, new[] { "ok", ErrorCodes.RateLimited }));
        var limited = outcomes.Count(o => o == ErrorCodes.RateLimited);
        // Burst 5, one spent on register, one more per second: at most a handful of 40 get through.
        Assert.True(limited >= 30, $"only {limited} of 40 flooded requests were rate limited");
        Assert.Contains("ok", outcomes);

        // The other connections have budgets of their own.
        await AssertUndisturbedAsync(server, alice, bob);
        Assert.False(mallory.Closed.IsCompleted);

        // The bucket refills: the flooder is served again once it slows down.
        await Until.TrueAsync(async () => Text(await mallory.RequestAsync("ping"), "type") == "ok",
            "mallory's budget refills", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_reader_that_stops_reading_is_dropped_alone_and_the_others_get_every_message_in_order()
    {
        await using var server = await TestServer.StartAsync(new() { ["Connections:OutboundQueueLimit"] = "64" });
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.RegisterAsync("bob");
        await using var carol = await server.ConnectWebSocketAsync();
        await carol.OkAsync("register", new { user = "carol", password = "password1" });

        // A client that signs in and then never reads a byte, with the smallest receive window it can get.
        using var slow = new TcpClient(AddressFamily.InterNetwork) { ReceiveBufferSize = 1024 };
        await slow.ConnectAsync(IPAddress.Loopback, server.TcpPort);
        var slowStream = slow.GetStream();
        await slowStream.WriteAsync(Encoding.UTF8.GetBytes("{\"id\":1,\"type\":\"register\",\"user\":\"slowpoke\",\"password\":\"password1\"}\n"));
        await Until.TrueAsync(async () => await IsOnlineAsync(alice, "slowpoke"), "slowpoke is signed in");

        var sentTexts = new Dictionary<long, string>();
        var body = new string('m', 3900);
        const int batch = 16;
        const int cap = 4000;
        while (sentTexts.Count < cap && await IsOnlineAsync(alice, "slowpoke"))
        {
            var texts = Enumerable.Range(sentTexts.Count, batch).Select(i => $"{i:D6} {body}").ToArray();
            var replies = await Task.WhenAll(texts.Select(text => alice.OkAsync("send", new { room = "lobby", text })));
            for (var i = 0; i < batch; i++)
                sentTexts.Add(replies[i].GetProperty("message").GetProperty("seq").GetInt64(), texts[i]);
            // The readers that keep up stay within a batch of the sender.
            var expected = sentTexts.Count;
            await Until.TrueAsync(() => MessagesOf(bob).Count >= expected && MessagesOf(carol).Count >= expected,
                $"bob and carol have {expected} messages");
        }
        Assert.False(await IsOnlineAsync(alice, "slowpoke"), $"slowpoke was still online after {cap} messages");
        output.WriteLine($"slowpoke was dropped after {sentTexts.Count} messages of ~{body.Length} bytes");

        // The hub shows it offline, and the server has closed its connection: draining what the
        // kernel buffered ends in end-of-stream or a reset, not in waiting forever.
        var members = (await alice.OkAsync("members", new { room = "lobby" })).GetProperty("members").EnumerateArray().ToList();
        var slowMember = Assert.Single(members, m => Text(m, "user") == "slowpoke");
        Assert.False(slowMember.GetProperty("online").GetBoolean());
        var closedByServer = false;
        using (var drainLimit = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (await slowStream.ReadAsync(buffer, drainLimit.Token) > 0)
                {
                }
                closedByServer = true;
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                closedByServer = true;
            }
            catch (OperationCanceledException)
            {
            }
        }
        Assert.True(closedByServer, "the slow connection was still open 20 s after it was dropped");

        // Everyone else got every message, once, in sequence order, with its text.
        var allSeqs = sentTexts.Keys.Order().ToList();
        Assert.Equal(Enumerable.Range(1, allSeqs.Count).Select(i => (long)i), allSeqs);
        foreach (var receiver in new ProtocolClient[] { bob, carol })
        {
            var heard = MessagesOf(receiver);
            Assert.Equal(allSeqs, heard.Select(m => m.GetProperty("seq").GetInt64()).ToList());
            Assert.All(heard, m => Assert.Equal(sentTexts[m.GetProperty("seq").GetInt64()], Text(m, "text")));
            Assert.False(receiver.Closed.IsCompleted);
            Assert.True(receiver.HasNo("bye"));
        }
        Assert.True(alice.HasNo("message", m => Text(m, "from") == "alice"));
        await AssertUndisturbedAsync(server, bob, carol, "bob", "carol");
    }
}
