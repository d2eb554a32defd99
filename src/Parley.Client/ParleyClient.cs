using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Parley.Client.Model;
using Parley.Client.Transport;

namespace Parley.Client;

/// <summary>
/// A connection to a Parley server speaking the native protocol. Requests are awaitable calls
/// matched to replies by id; server events arrive on <see cref="Events"/>. After a drop it
/// reconnects with backoff, resumes the session with its token and replays, per conversation and
/// by sequence number, what was missed: each message once, in order (ParleyClient.Reconnect.cs).
/// </summary>
public sealed partial class ParleyClient : IAsyncDisposable
{
    private readonly ParleyClientOptions _options;
    private readonly ServerCertificateCheck _certificateCheck;
    private readonly Channel<ClientEvent> _events = Channel.CreateUnbounded<ClientEvent>();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private IFrameConnection? _connection;
    private long _nextId;

    private ParleyClient(ParleyClientOptions options)
    {
        _options = options;
        _certificateCheck = ServerCertificateCheck.For(options);
        InitHttpAddress();
    }

    /// <summary>Server events and connection changes, in the order they happened.</summary>
    public ChannelReader<ClientEvent> Events => _events.Reader;

    /// <summary>The signed-in user, or null.</summary>
    public string? User { get; private set; }

    /// <summary>What the server accepts, as its last sign-in reply said; its defaults before that.</summary>
    public ServerLimits Limits { get; private set; } = ServerLimits.Defaults;

    public bool IsConnected => _connection is not null;

    public static async Task<ParleyClient> ConnectAsync(ParleyClientOptions options, CancellationToken cancellationToken = default)
    {
        var client = new ParleyClient(options);
        var connection = await client.OpenAsync(cancellationToken).ConfigureAwait(false);
        client.Attach(connection);
        return client;
    }

    private async Task<IFrameConnection> OpenAsync(CancellationToken cancellationToken) =>
        _options.WebSocketUri is { } uri
            ? await WebSocketFrameConnection.ConnectAsync(uri, _certificateCheck, cancellationToken).ConfigureAwait(false)
            : await TcpLineConnection.ConnectAsync(_options.Server, _options.Tls ? _certificateCheck : null, cancellationToken).ConfigureAwait(false);

    private void Attach(IFrameConnection connection)
    {
        _connection = connection;
        _ = ReceiveAsync(connection);
    }

    /// <summary>Sends a request and returns the <c>ok</c> reply; an <c>error</c> reply throws <see cref="ParleyException"/>.</summary>
    public Task<JsonElement> RequestAsync(string type, Action<Utf8JsonWriter>? fields = null, CancellationToken cancellationToken = default) =>
        RequestOnAsync(_connection ?? throw ParleyException.ConnectionLost(), type, fields, cancellationToken);

    private async Task<JsonElement> RequestOnAsync(IFrameConnection connection, string type, Action<Utf8JsonWriter>? fields, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var id = Interlocked.Increment(ref _nextId);
        var frame = Frames.Request(id, type, fields);
        // The server closes a connection that sends an over-long line; refuse it here instead.
        if (frame.Length > Limits.MaxLineBytes)
            throw ParleyException.LineTooLong(type, frame.Length, Limits.MaxLineBytes);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or WebSocketException or ObjectDisposedException)
        {
            _pending.TryRemove(id, out _);
            throw ParleyException.ConnectionLost();
        }
        finally
        {
            _sendGate.Release();
        }

        JsonElement result;
        try
        {
            result = await reply.Task.WaitAsync(_options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(id, out _);
            throw ParleyException.TimedOut(type, _options.RequestTimeout);
        }
        if (result.GetProperty("type").GetString() == "error")
            throw new ParleyException(result.GetProperty("code").GetString() ?? "error", result.GetProperty("message").GetString() ?? "");
        return result;
    }

    private async Task ReceiveAsync(IFrameConnection connection)
    {
        var reason = "the server closed the connection";
        try
        {
            while (await connection.ReceiveAsync(_disposed.Token).ConfigureAwait(false) is { } frame)
                Dispatch(frame);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is IOException or SocketException or WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            reason = ex.Message;
        }
        await OnConnectionLostAsync(connection, reason).ConfigureAwait(false);
    }

    private void Dispatch(byte[] frame)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(frame);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            Emit(new UnknownFrame(System.Text.Encoding.UTF8.GetString(frame)));
            return;
        }
        if (root.TryGetProperty("re", out var re) && re.ValueKind == JsonValueKind.Number
            && re.TryGetInt64(out var id) && _pending.TryRemove(id, out var waiter))
        {
            waiter.TrySetResult(root);
            return;
        }
        try
        {
            OnEvent(root);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // An event missing a field or of the wrong shape: pass it on raw rather than lose the connection.
            Emit(new UnknownFrame(root.GetRawText()));
        }
    }

    private void Emit(ClientEvent clientEvent) => _events.Writer.TryWrite(clientEvent);

    private void FailPending()
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiter))
                waiter.TrySetException(ParleyException.ConnectionLost());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
            return;
        await _disposed.CancelAsync().ConfigureAwait(false);
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
            await connection.DisposeAsync().ConfigureAwait(false);
        DisposeHttp();
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiter))
                waiter.TrySetException(ParleyException.ClientClosed());
        }
        _events.Writer.TryComplete();
    }
}
