using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Parley.Cli.Admin;

/// <summary>
/// One request to a running server over its admin socket (native JSON lines; the connection is the
/// operator): connect, send, read lines until the reply to it (events in between are skipped).
/// </summary>
public sealed class AdminSocketClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private int _nextId;

    private AdminSocketClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    /// <exception cref="AdminException">no server listens there, or it may not be used.</exception>
    public static async Task<AdminSocketClient> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new AdminException($"no parley serve is running there: there is no admin socket {path}");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            return new AdminSocketClient(socket);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw ex.SocketErrorCode switch
            {
                // A server that was killed leaves its socket file behind; the next one replaces it.
                SocketError.ConnectionRefused => new AdminException($"no parley serve is running there: nothing listens on the admin socket {path}"),
                SocketError.AccessDenied => new AdminException($"not allowed to use the admin socket {path}: run this as the user that runs the server"),
                _ => new AdminException($"cannot connect to the admin socket {path}: {ex.Message}"),
            };
        }
    }

    /// <summary>Sends <paramref name="type"/> with <paramref name="fields"/>; the reply's root element when it is <c>ok</c>.</summary>
    /// <exception cref="AdminException">an error reply (its code and message), or the server hung up.</exception>
    public async Task<JsonElement> RequestAsync(string type, IReadOnlyDictionary<string, object?> fields, CancellationToken cancellationToken)
    {
        var id = ++_nextId;
        var request = new Dictionary<string, object?>(fields) { ["id"] = id, ["type"] = type };
        var line = JsonSerializer.Serialize(request) + "\n";
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
        while (await _reader.ReadLineAsync(cancellationToken) is { } reply)
        {
            using var document = JsonDocument.Parse(reply);
            var root = document.RootElement;
            if (!root.TryGetProperty("re", out var re) || re.ValueKind != JsonValueKind.Number || re.GetInt32() != id)
                continue;
            if (root.GetProperty("type").GetString() == "error")
                throw new AdminException($"{root.GetProperty("message").GetString()} ({root.GetProperty("code").GetString()})");
            return root.Clone();
        }
        throw new AdminException("the server closed the admin connection without answering");
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
    }
}
