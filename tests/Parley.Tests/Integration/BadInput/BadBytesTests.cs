using System.Text;
using System.Text.Json;
using Parley.Core.Model;
using Parley.Tests.Support;
using static Parley.Tests.Integration.BadInput.BadInputChecks;

namespace Parley.Tests.Integration.BadInput;

/// <summary>Invalid UTF-8, escaped lone surrogates and line framing (coalesced, split, cut off by a half-close).</summary>
public sealed class BadBytesTests : BadInputTestBase
{
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
        await using var mallory = await Server.ConnectWebSocketAsync();
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
        await using var stranger = await Server.ConnectAsync();
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
        await using var stranger = await Server.ConnectAsync();
        await stranger.SendBytesAsync(Encoding.UTF8.GetBytes($"{{\"id\":{RawId},\"type\":\"pi"));
        stranger.ShutdownSend();
        Assert.Equal(ErrorCodes.BadJson, await UncorrelatedErrorAsync(stranger));
        await stranger.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        await AssertUndisturbedAsync();
    }
}
