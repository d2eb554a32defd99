using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;

namespace Parley.Cli.Soak;

/// <summary>
/// One native-protocol user of the soak (over TCP or WebSocket): one connection at a time, which
/// it resumes with its token after any loss, catching up on history; it records what it sent
/// (in the ledger) and what it received (<see cref="Received"/>).
/// </summary>
public sealed partial class SoakClient : IPresenceSubject
{
    /// <summary>A request without an answer for this long counts the connection as broken.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly SoakWorld _world;
    private readonly Random _random;
    // Each request waiting for its reply, with the connection it was sent on: a connection that ends
    // fails only its own (a reconnect's first request is sent while the old one is still closing).
    private readonly ConcurrentDictionary<long, (TaskCompletionSource<JsonElement> Reply, SoakTransport Transport)> _pending = new();
    // Requests given up on before their reply came (no answer in time, or the wait cancelled): a
    // reply may still come for one, late, and is then attributed to it rather than taken for a stray.
    private readonly ConcurrentDictionary<long, byte> _abandoned = new();
    private readonly object _connectionLock = new();
    private SoakTransport? _transport;
    private Task _receiving = Task.CompletedTask;
    private long _nextId;
    private long _signedInSince;
    private long _offlineSince = Stopwatch.GetTimestamp();
    private int _node;

    public SoakClient(SoakWorld world, string name, bool webSocket, SoakRole role, int node, int seed)
    {
        _world = world;
        Name = name;
        WebSocket = webSocket;
        Role = role;
        _node = node;
        _random = new Random(seed);
    }

    public string Name { get; }

    public bool WebSocket { get; }

    public SoakRole Role { get; }

    public string? Token { get; private set; }

    public ReceivedLog Received { get; } = new();

    /// <summary>Rooms this client is a member of (the default room included).</summary>
    public List<string> Rooms { get; } = [];

    /// <summary>Direct conversations it sent in or received in.</summary>
    public ConcurrentDictionary<string, Conversation> Directs { get; } = new();

    /// <summary>Pins the client to one node (monitors answer for theirs).</summary>
    public bool Pinned => Role == SoakRole.Monitor;

    public int Node => Volatile.Read(ref _node);

    /// <summary>Since when it has been signed in (a Stopwatch timestamp), 0 while it is not.</summary>
    public long SignedInSince => Interlocked.Read(ref _signedInSince);

    /// <summary>Since when it has not been signed in, 0 while it is.</summary>
    public long OfflineSince => Interlocked.Read(ref _offlineSince);

    public bool Connected => SignedInSince != 0;

    public static bool IsConnectionFailure(Exception ex) =>
        ex is SocketException or IOException or WebSocketException or ObjectDisposedException or ConnectionLostException or TimeoutException;

    /// <summary>Opens a connection to the current node and starts reading it; does not sign in.</summary>
    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        var node = _world.Nodes[Node];
        SoakTransport transport = WebSocket
            ? await WsSoakTransport.ConnectAsync(node.HttpPort, cancellationToken).ConfigureAwait(false)
            : await TcpSoakTransport.ConnectAsync(node.TcpPort, cancellationToken).ConfigureAwait(false);
        Received.NewConnection();
        lock (_connectionLock)
            _transport = transport;
        _receiving = ReceiveLoopAsync(transport);
    }

    /// <summary>Drops the current connection (a deliberate cut or a broken one); every request waiting on it fails.</summary>
    public void Drop(bool reset)
    {
        SoakTransport? transport;
        lock (_connectionLock)
        {
            transport = _transport;
            _transport = null;
        }
        transport?.Abort(reset);
        MarkOffline();
    }

    private void MarkOffline()
    {
        if (Interlocked.Exchange(ref _signedInSince, 0) != 0)
            Interlocked.Exchange(ref _offlineSince, Stopwatch.GetTimestamp());
    }

    private void MarkSignedIn()
    {
        Interlocked.Exchange(ref _offlineSince, 0);
        Interlocked.Exchange(ref _signedInSince, Stopwatch.GetTimestamp());
    }

    private async Task ReceiveLoopAsync(SoakTransport transport)
    {
        try
        {
            while (await transport.ReceiveAsync(CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                Dispatch(frame);
                if (Role == SoakRole.SlowReader)
                    await Task.Delay(Random.Shared.Next(5, 40)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex) || ex is OperationCanceledException)
        {
        }
        finally
        {
            bool current;
            lock (_connectionLock)
            {
                current = ReferenceEquals(_transport, transport);
                if (current)
                    _transport = null;
            }
            if (current)
                MarkOffline();
            foreach (var (id, pending) in _pending)
            {
                if (ReferenceEquals(pending.Transport, transport) && _pending.TryRemove(id, out _))
                    pending.Reply.TrySetException(new ConnectionLostException());
            }
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(string frame)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(frame);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            _world.Ledger.Violation($"{Name}: the server wrote a frame that is not JSON: {Shorten(frame)}");
            return;
        }
        if (root.TryGetProperty("re", out var re))
        {
            if (re.ValueKind == JsonValueKind.Number && re.TryGetInt64(out var id) && _pending.TryRemove(id, out var waiting))
            {
                waiting.Reply.TrySetResult(root);
                return;
            }
            if (root.GetProperty("type").GetString() == "error")
            {
                if (re.ValueKind == JsonValueKind.Number && re.TryGetInt64(out var late) && _abandoned.TryRemove(late, out _))
                {
                    _world.Ledger.CountError(root.GetProperty("code").GetString() ?? "");
                    _world.Ledger.CountLateReply();
                }
                else
                {
                    OnUnmatchedError(root);
                }
            }
            return;
        }
        switch (root.GetProperty("type").GetString())
        {
            case "message":
                OnMessage(root, live: true);
                break;
            case "bye":
                OnBye(root.GetProperty("reason").GetString() ?? "");
                break;
        }
    }

    /// <summary>
    /// An error with `"re": null` (a frame that could not be read), or naming no request this client
    /// sent and gave up on: only codes a malformed frame or a flood can cause.
    /// </summary>
    private void OnUnmatchedError(JsonElement root)
    {
        var code = root.GetProperty("code").GetString() ?? "";
        _world.Ledger.CountError(code);
        if (code is not ("bad_json" or "bad_utf8" or "not_object" or "line_too_long" or "rate_limited"))
            _world.Ledger.Violation($"{Name}: error for no request of its own, code {code}: {Shorten(root.GetRawText())}");
    }

    private void OnBye(string reason)
    {
        if (reason == "slow_consumer")
            _world.Ledger.CountSlowConsumerDrop();
        if (reason is not ("shutdown" or "line_too_long" or "slow_consumer"))
            _world.Ledger.Violation($"{Name}: unexpected bye {reason}");
    }

    private void OnMessage(JsonElement message, bool live)
    {
        var seq = message.GetProperty("seq").GetInt64();
        var id = message.GetProperty("id").GetString()!;
        Conversation conversation;
        if (message.TryGetProperty("room", out var room))
        {
            conversation = Conversation.OfRoom(room.GetString()!);
        }
        else
        {
            var from = message.GetProperty("from").GetString()!;
            var to = message.GetProperty("to").GetString()!;
            conversation = Conversation.Direct(from, to);
            Directs.TryAdd(conversation.Key, conversation);
        }
        if (live)
            Received.RecordLive(conversation.Key, seq, id);
        else
            Received.RecordCaughtUp(conversation.Key, seq, id);
    }

    /// <summary>Sends a request and waits for its reply; fails with <see cref="ConnectionLostException"/> when the connection goes first, and drops a connection that does not answer.</summary>
    private async Task<JsonElement> RequestAsync(Dictionary<string, object?> request, CancellationToken cancellationToken)
    {
        SoakTransport transport;
        lock (_connectionLock)
            transport = _transport ?? throw new ConnectionLostException();
        var id = Interlocked.Increment(ref _nextId);
        request["id"] = id;
        var waiting = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = (waiting, transport);
        try
        {
            await transport.SendAsync(JsonSerializer.Serialize(request), cancellationToken).ConfigureAwait(false);
            return await waiting.Task.WaitAsync(RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _world.Ledger.Violation($"{Name}: no answer to {request["type"]} within {RequestTimeout.TotalSeconds} s on node {Node}");
            Drop(reset: true);
            throw new ConnectionLostException();
        }
        catch (Exception ex) when (ex is SocketException or IOException or WebSocketException or ObjectDisposedException)
        {
            throw new ConnectionLostException();
        }
        finally
        {
            // Still pending: no reply came (a reply takes it out first), so one may come late.
            if (_pending.TryRemove(id, out _) || !waiting.Task.IsCompletedSuccessfully)
                _abandoned.TryAdd(id, 0);
        }
    }

    private static string? ErrorCode(JsonElement reply) =>
        reply.GetProperty("type").GetString() == "error" ? reply.GetProperty("code").GetString() : null;

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    /// <summary>The connection ended before the answer came.</summary>
    public sealed class ConnectionLostException() : Exception("connection lost");
}
