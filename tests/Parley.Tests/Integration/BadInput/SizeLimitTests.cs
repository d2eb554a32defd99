using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Parley.Core.Model;
using Parley.Tests.Support;
using static Parley.Tests.Integration.BadInput.BadInputChecks;

namespace Parley.Tests.Integration.BadInput;

/// <summary>Line and WebSocket message size limits: 64 KiB is accepted; one byte more gets line_too_long, then bye, then the server closes.</summary>
public sealed class SizeLimitTests : BadInputTestBase
{
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
        await Until.TrueAsync(async () => !await IsOnlineAsync(Alice, "mallory"), "mallory is offline");
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
        await using var mallory = await Server.ConnectWebSocketAsync();
        await mallory.OkAsync("register", new { user = "mallory", password = "password1" });
        await mallory.SendRawAsync(PingOfLength(MaxLineBytes));
        await mallory.NextAsync("ok", f => IsReplyTo(f, RawId));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_WebSocket_message_over_64_KiB_gets_line_too_long_then_bye_then_the_connection_closes()
    {
        await using var mallory = await Server.ConnectWebSocketAsync();
        await mallory.OkAsync("register", new { user = "mallory", password = "password1" });
        await mallory.SendRawAsync(PingOfLength(MaxLineBytes + 1));
        await AssertCutOffForLengthAsync(mallory);
        // docs/protocol.md: after the bye, a Close frame with status 1000.
        Assert.Equal(WebSocketCloseStatus.NormalClosure, mallory.CloseStatus);
    }
}
