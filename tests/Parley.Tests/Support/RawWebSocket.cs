using System.Net.Sockets;
using System.Text;
using Parley.Cli.Bench;

namespace Parley.Tests.Support;

/// <summary>
/// A WebSocket spoken by hand over a plain socket, for tests that need what a WebSocket client
/// hides: a tiny receive window, a peer that never reads.
/// </summary>
public static class RawWebSocket
{
    /// <summary>Sends the upgrade to /ws and reads the 101 answer (nothing after it).</summary>
    public static async Task UpgradeAsync(NetworkStream stream, int port)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
                throw new IOException("closed before the upgrade was answered");
            head.Add(one[0]);
        }
        var answer = Encoding.ASCII.GetString(head.ToArray());
        if (!answer.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            throw new IOException($"upgrade refused: {answer}");
    }

    /// <summary>One whole text frame as a client sends it (masked with the zero key, as the bench does).</summary>
    public static byte[] MaskedText(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[WsFrames.ClientHeaderLength(payload.Length) + payload.Length];
        payload.CopyTo(frame.AsSpan(WsFrames.WriteClientHeader(frame, WsFrames.Text, payload.Length)));
        return frame;
    }
}
