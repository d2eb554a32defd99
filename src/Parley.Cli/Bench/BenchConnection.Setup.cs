using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Parley.Cli.Bench;

/// <summary>
/// Connecting and signing in, per wire: plain async code with strings (it runs once per
/// connection, before anything is measured). What it reads past the last reply stays in the carry
/// buffer for the receive loop.
/// </summary>
public sealed partial class BenchConnection
{
    private int _nextId;

    public static async Task<BenchConnection> OpenAsync(BenchRun run, int index, string room, CancellationToken cancellationToken)
    {
        var settings = run.Settings;
        var (host, port) = settings.EndpointOf(index);
        var socket = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            var hint = ex.SocketErrorCode == SocketError.TooManyOpenSockets || ex.Message.Contains("Too many open files", StringComparison.Ordinal)
                ? " (raise the open-file limit: `ulimit -n 65536` in the shell that starts the bench)"
                : ex.SocketErrorCode == SocketError.ConnectionRefused ? $" (is the server listening on {host}:{port} for {settings.Proto.Name()}?)" : "";
            throw new BenchSetupException($"cannot connect to {host}:{port}: {ex.Message}{hint}", ex);
        }
        var connection = new BenchConnection(run, socket, index, room);
        if (settings.Tls)
            await connection.StartTlsAsync(host, cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task StartTlsAsync(string host, CancellationToken cancellationToken)
    {
        _tls = new SslStream(new NetworkStream(Socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await _tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                // The bench measures the server; whoever runs it chose the server it talks to.
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            Dispose();
            throw new BenchSetupException($"TLS handshake with {host} failed: {ex.Message} (is --port a TLS listener?)", ex);
        }
    }

    /// <summary>Signs in (native, ws, irc) or checks the connection (redis), then joins <see cref="Room"/> unless it is empty.</summary>
    public async Task SetUpAsync(bool subscribe, CancellationToken cancellationToken)
    {
        switch (Proto)
        {
            case BenchProto.Native:
                await SignInNativeAsync(cancellationToken).ConfigureAwait(false);
                break;
            case BenchProto.Ws:
                await HandshakeWsAsync(cancellationToken).ConfigureAwait(false);
                await SignInNativeAsync(cancellationToken).ConfigureAwait(false);
                break;
            case BenchProto.Irc:
                await RegisterIrcAsync(cancellationToken).ConfigureAwait(false);
                break;
            default:
                await SetUpRedisAsync(subscribe, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    // ---- native and ws ----

    private async Task SignInNativeAsync(CancellationToken cancellationToken)
    {
        var password = _run.Settings.Password;
        var reply = await RequestAsync($"{{\"type\":\"register\",\"user\":\"{User}\",\"password\":\"{password}\"", cancellationToken).ConfigureAwait(false);
        if (ErrorCode(reply) == "user_exists")
            reply = await RequestAsync($"{{\"type\":\"login\",\"user\":\"{User}\",\"password\":\"{password}\"", cancellationToken).ConfigureAwait(false);
        if (ErrorCode(reply) is { } code)
        {
            var hint = code switch
            {
                "bad_credentials" => $" (an earlier run made {User} with another password? use --password or --user-prefix)",
                "rate_limited" or "throttled" => " (start the server with the bench settings: see `parley bench --help`)",
                _ => "",
            };
            throw new BenchSetupException($"signing in as {User} failed: {reply}{hint}");
        }
        Token = TokenOf(reply);

        // Every account starts in the default room, where each sign-in would tell every other
        // bench user about it (presence): N connections would cost N² events. Bench users leave it.
        if (reply.Contains("\"name\":\"lobby\"", StringComparison.Ordinal) && !string.Equals(Room, "lobby", StringComparison.OrdinalIgnoreCase))
            await RequestAsync("{\"type\":\"leave\",\"room\":\"lobby\"", cancellationToken).ConfigureAwait(false);

        // Already a member (bigroom's lobby, or an earlier run's room): a join would only fetch a members page.
        if (Room.Length == 0 || reply.Contains($"{{\"name\":\"{Room}\",", StringComparison.Ordinal))
            return;
        reply = await RequestAsync($"{{\"type\":\"join\",\"room\":\"{Room}\"", cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < 20 && ErrorCode(reply) == "no_such_room"; attempt++)
        {
            reply = await RequestAsync($"{{\"type\":\"create\",\"room\":\"{Room}\"", cancellationToken).ConfigureAwait(false);
            if (ErrorCode(reply) != "room_exists")
                break;
            // Another member is creating it: the server may answer room_exists before the room can
            // be joined (seen with many concurrent creates), so join again after a moment.
            if (attempt > 0)
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            reply = await RequestAsync($"{{\"type\":\"join\",\"room\":\"{Room}\"", cancellationToken).ConfigureAwait(false);
        }
        if (ErrorCode(reply) is not null)
            throw new BenchSetupException($"{User} cannot join {Room}: {reply}");
    }

    /// <summary>
    /// Sends a request (the JSON object without its closing brace: the id is added) and returns its
    /// reply, skipping events (or keeping them in <paramref name="events"/>).
    /// </summary>
    private async Task<string> RequestAsync(string openObject, CancellationToken cancellationToken, List<string>? events = null)
    {
        var id = ++_nextId;
        var json = $"{openObject},\"id\":{id}}}";
        if (Proto == BenchProto.Ws)
        {
            var payload = Encoding.UTF8.GetBytes(json);
            var frame = new byte[WsFrames.ClientHeaderLength(payload.Length) + payload.Length];
            payload.CopyTo(frame, WsFrames.WriteClientHeader(frame, WsFrames.Text, payload.Length));
            await SendAllAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SendAllAsync(Encoding.UTF8.GetBytes(json + "\n"), cancellationToken).ConfigureAwait(false);
        }
        var prefix = $"{{\"re\":{id},";
        while (true)
        {
            var frame = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (frame.StartsWith(prefix, StringComparison.Ordinal))
                return frame;
            events?.Add(frame);
        }
    }

    private static string? ErrorCode(string reply)
    {
        if (!reply.Contains("\"type\":\"error\"", StringComparison.Ordinal))
            return null;
        const string field = "\"code\":\"";
        var at = reply.IndexOf(field, StringComparison.Ordinal);
        if (at < 0)
            return "error";
        at += field.Length;
        var end = reply.IndexOf('"', at);
        return end < 0 ? "error" : reply[at..end];
    }

    private async Task HandshakeWsAsync(CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var (host, port) = _run.Settings.EndpointOf(Index);
        // No Origin header: the server lets in clients that are not browsers.
        var request = $"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await SendAllAsync(Encoding.ASCII.GetBytes(request), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var end = _carry.AsSpan(0, _carryLength).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(_carry, 0, end);
                Consume(end + 4);
                if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                    throw new BenchSetupException($"the WebSocket upgrade at /ws was refused: {head.Split("\r\n")[0]}");
                return;
            }
            await ReceiveMoreAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- irc ----

    private async Task RegisterIrcAsync(CancellationToken cancellationToken)
    {
        var lines = new StringBuilder();
        if (_run.Settings.IrcPassword is { } password)
            lines.Append("PASS ").Append(password).Append("\r\n");
        lines.Append("NICK ").Append(User).Append("\r\nUSER ").Append(User).Append(" 0 * :parley bench\r\n");
        await SendAllAsync(Encoding.UTF8.GetBytes(lines.ToString()), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var line = await ReadIrcLineAsync(cancellationToken).ConfigureAwait(false);
            var command = Encoding.ASCII.GetString(IrcCommand(Encoding.UTF8.GetBytes(line)));
            if (command == "001")
                break;
            if (command is "432" or "433" or "436" or "437" or "464" or "465" or "ERROR")
                throw new BenchSetupException($"IRC registration as {User} failed: {line}");
        }

        // JOIN, then a PING whose PONG marks the end of the answers (a server says nothing to a JOIN of a channel the client is already in).
        var sentinel = $"bench{Index}";
        var join = Room.Length == 0 ? "" : $"JOIN #{Room}\r\n";
        await SendAllAsync(Encoding.UTF8.GetBytes($"{join}PING :{sentinel}\r\n"), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var line = await ReadIrcLineAsync(cancellationToken).ConfigureAwait(false);
            var command = Encoding.ASCII.GetString(IrcCommand(Encoding.UTF8.GetBytes(line)));
            if (command == "PONG" && line.EndsWith(sentinel, StringComparison.Ordinal))
                return;
            // 422 (no MOTD) is the tail of the welcome, not an answer to the JOIN.
            if (command.Length == 3 && command[0] is '4' or '5' && command != "422")
                throw new BenchSetupException($"{User} cannot join #{Room}: {line}");
        }
    }

    /// <summary>Reads a line, answering the server's PINGs on the way.</summary>
    private async Task<string> ReadIrcLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (line.StartsWith("PING", StringComparison.Ordinal))
            {
                await SendAllAsync(Encoding.UTF8.GetBytes("PONG" + line[4..] + "\r\n"), cancellationToken).ConfigureAwait(false);
                continue;
            }
            return line;
        }
    }

    // ---- redis ----

    private async Task SetUpRedisAsync(bool subscribe, CancellationToken cancellationToken)
    {
        var command = subscribe && Room.Length > 0 ? Resp("SUBSCRIBE", Room) : Resp("PING");
        await SendAllAsync(command, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var line = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (line.StartsWith('-'))
                throw new BenchSetupException($"redis answered {line}");
            // SUBSCRIBE ends with the subscription count, PING with +PONG.
            if (line.StartsWith(':') || line == "+PONG")
                return;
        }
    }

    public static byte[] Resp(params string[] parts)
    {
        var text = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
            text.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    // ---- framing for setup ----

    private async Task<string> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var data = _carry.AsSpan(0, _carryLength);
            if (Proto == BenchProto.Ws)
            {
                if (WsFrames.TryRead(data, out var opcode, out var header, out var length))
                {
                    var payload = data.Slice(header, (int)length).ToArray();
                    Consume(header + (int)length);
                    if (opcode == WsFrames.Close)
                        throw new BenchSetupException($"the server closed the WebSocket of {User}");
                    if (opcode == WsFrames.Ping)
                        SendControl(WsFrames.Pong, payload);
                    else if (opcode == WsFrames.Text)
                        return Encoding.UTF8.GetString(payload);
                    continue;
                }
            }
            else
            {
                var end = data.IndexOf((byte)'\n');
                if (end >= 0)
                {
                    var line = data[..end];
                    if (line.Length > 0 && line[^1] == '\r')
                        line = line[..^1];
                    var text = Encoding.UTF8.GetString(line);
                    Consume(end + 1);
                    return text;
                }
            }
            await ReceiveMoreAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReceiveMoreAsync(CancellationToken cancellationToken)
    {
        if (_carry.Length - _carryLength < 4096)
            Array.Resize(ref _carry, Math.Max(8192, _carry.Length * 2));
        var read = _tls is not null
            ? await _tls.ReadAsync(_carry.AsMemory(_carryLength), cancellationToken).ConfigureAwait(false)
            : await Socket.ReceiveAsync(_carry.AsMemory(_carryLength), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (read == 0)
            throw new BenchSetupException($"the server closed the connection of {User} while signing in{(_carryLength > 0 ? ": " + Describe(_carry.AsSpan(0, _carryLength)) : "")}");
        _carryLength += read;
    }

    private void Consume(int count)
    {
        _carry.AsSpan(count, _carryLength - count).CopyTo(_carry);
        _carryLength -= count;
    }

    /// <summary>After setup: gives back a big setup buffer if nothing is left in it (10,000 idle connections need no 8 KiB each).</summary>
    public void TrimSetupBuffer()
    {
        if (_carryLength == 0)
            _carry = [];
    }

    public async Task SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (_tls is not null)
        {
            await _tls.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return;
        }
        while (!bytes.IsEmpty)
        {
            var sent = await Socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }
}
