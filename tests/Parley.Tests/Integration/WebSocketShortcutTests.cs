using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>
/// The HTTP listener takes a connection that opens with a WebSocket upgrade to /ws itself,
/// without Kestrel's HTTP layer; everything else still reaches Kestrel with its bytes intact.
/// Kestrel's own responses name it in a Server header, the shortcut's 101 does not: that is how
/// these tests tell which of the two answered.
/// </summary>
public sealed class WebSocketShortcutTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static string Upgrade(int port) =>
        $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
        $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Key}\r\n\r\n";

    private static async Task<(TcpClient Client, NetworkStream Stream)> ConnectAsync(TestServer server)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", server.HttpUri.Port);
        return (client, client.GetStream());
    }

    /// <summary>Reads one HTTP response head (and, with a Content-Length, its body) byte by byte, so nothing after it is taken.</summary>
    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            if (await stream.ReadAsync(one, timeout.Token) == 0)
                break;
            head.Append((char)one[0]);
        }
        var text = head.ToString();
        var length = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (length is not null)
        {
            var body = new byte[int.Parse(length["Content-Length:".Length..].Trim())];
            await stream.ReadExactlyAsync(body);
            text += Encoding.UTF8.GetString(body);
        }
        return text;
    }

    private static async Task<string> PingAsync(Stream stream)
    {
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false });
        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"id":7,"type":"ping"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    [Fact]
    public async Task An_upgrade_written_in_pieces_is_answered_by_the_shortcut_and_speaks_the_native_protocol()
    {
        await using var server = await TestServer.StartAsync();
        var (client, stream) = await ConnectAsync(server);
        using var _ = client;
        var upgrade = Encoding.ASCII.GetBytes(Upgrade(server.HttpUri.Port));
        foreach (var piece in upgrade.Chunk(17))
        {
            await stream.WriteAsync(piece);
            await Task.Delay(5);
        }

        var response = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", response);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", response);
        Assert.DoesNotContain("Server:", response);
        Assert.Contains("\"re\":7", await PingAsync(stream));
    }

    [Fact]
    public async Task A_frame_sent_with_the_head_in_one_write_is_not_lost()
    {
        await using var server = await TestServer.StartAsync();
        var (client, stream) = await ConnectAsync(server);
        using var _ = client;
        var payload = Encoding.UTF8.GetBytes("""{"id":3,"type":"ping"}""");
        byte[] mask = [0x12, 0x34, 0x56, 0x78];
        byte[] frame = [0x81, (byte)(0x80 | payload.Length), .. mask, .. payload.Select((b, i) => (byte)(b ^ mask[i % 4]))];
        byte[] both = [.. Encoding.ASCII.GetBytes(Upgrade(server.HttpUri.Port)), .. frame];
        await stream.WriteAsync(both);

        Assert.StartsWith("HTTP/1.1 101", await ReadResponseAsync(stream));
        var header = new byte[2];
        await stream.ReadExactlyAsync(header);
        Assert.Equal(0x81, header[0]); // one whole text frame, unmasked
        var reply = new byte[header[1]];
        await stream.ReadExactlyAsync(reply);
        Assert.Contains("\"re\":3", Encoding.UTF8.GetString(reply));
    }

    [Fact]
    public async Task A_peer_that_leaves_pings_unanswered_is_closed()
    {
        await using var server = await TestServer.StartAsync(new() { ["WebSocketPingInterval"] = "00:00:01" });
        var (client, stream) = await ConnectAsync(server);
        using var _ = client;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Upgrade(server.HttpUri.Port)));
        Assert.StartsWith("HTTP/1.1 101", await ReadResponseAsync(stream));

        // Read the pings, answer none: the server gives up on the connection and closes it.
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var pings = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
                pings += buffer.AsSpan(0, read).Count((byte)0x89);
        }
        catch (IOException)
        {
            // Reset rather than closed: given up on either way.
        }
        Assert.True(pings >= 1, "the server pinged before it gave up");
    }

    [Fact]
    public async Task A_head_with_bare_line_feeds_is_Kestrel_s_at_once()
    {
        await using var server = await TestServer.StartAsync();
        var (client, stream) = await ConnectAsync(server);
        using var _ = client;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Upgrade(server.HttpUri.Port).Replace("\r\n", "\n")));
        var response = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 101", response);
        Assert.Contains("Server: Kestrel", response);
    }

    [Fact]
    public async Task Other_requests_still_reach_Kestrel_whole_and_an_upgrade_after_them_works_there()
    {
        await using var server = await TestServer.StartAsync();
        var (client, stream) = await ConnectAsync(server);
        using var _ = client;
        var port = server.HttpUri.Port;

        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"));
        var health = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 200", health);
        Assert.Contains("Server: Kestrel", health);
        Assert.EndsWith("{\"status\":\"ok\"}\n", health);

        // The same connection, kept alive, upgrades next: Kestrel's /ws endpoint takes it.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Upgrade(port)));
        var response = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 101", response);
        Assert.Contains("Server: Kestrel", response);
        Assert.Contains("\"re\":7", await PingAsync(stream));
    }

    [Fact]
    public async Task A_request_for_ws_that_is_not_an_upgrade_gets_Kestrel_s_answer_as_before()
    {
        await using var server = await TestServer.StartAsync();
        var (client, stream) = await ConnectAsync(server);
        using var _ = client;
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{server.HttpUri.Port}\r\n\r\n"));
        var response = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.Contains("Server: Kestrel", response);
        // The body comes chunked: read until its sentence is in.
        var body = new StringBuilder();
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!body.ToString().Contains("connect with a WebSocket client", StringComparison.Ordinal))
            body.Append(Encoding.UTF8.GetString(buffer, 0, await stream.ReadAsync(buffer, timeout.Token)));
    }

    [Fact]
    public async Task A_peer_that_closes_mid_head_disturbs_no_one()
    {
        await using var server = await TestServer.StartAsync();
        var (client, stream) = await ConnectAsync(server);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
        client.Dispose();

        await using var ws = await server.ConnectWebSocketAsync();
        await ws.OkAsync("ping", new { });
    }
}
