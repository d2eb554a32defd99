using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Tests.Support;

/// <summary>
/// A test client of the native protocol, independent of the server's own code: it builds JSON with
/// System.Text.Json nodes and matches replies by id. Everything without a matching id (events,
/// errors with "re": null) lands in <see cref="Received"/> for the test to wait on.
/// </summary>
public abstract class ProtocolClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<JsonElement> _received = [];
    private readonly HashSet<int> _consumed = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;

    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Completes when the server closes the connection.</summary>
    public Task Closed => _closed.Task;

    public IReadOnlyList<JsonElement> Received
    {
        get
        {
            lock (_received)
                return [.. _received];
        }
    }

    protected abstract Task SendTextAsync(string text);

    public abstract ValueTask DisposeAsync();

    /// <summary>Sends exactly these bytes (as text), for malformed-input tests.</summary>
    public Task SendRawAsync(string text) => SendTextAsync(text);

    public async Task<JsonElement> RequestAsync(string type, object? fields = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = fields is null ? new JsonObject() : (JsonObject)JsonSerializer.SerializeToNode(fields)!;
        request["id"] = id;
        request["type"] = type;
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id.ToString()] = reply;
        // Closed before the request was added: OnClosed has already failed the waiters it saw.
        if (_closed.Task.IsCompleted)
            reply.TrySetException(new IOException("the server closed the connection"));
        await SendTextAsync(request.ToJsonString());
        return await reply.Task.WaitAsync(ReplyTimeout);
    }

    public async Task<JsonElement> OkAsync(string type, object? fields = null)
    {
        var reply = await RequestAsync(type, fields);
        if (reply.GetProperty("type").GetString() != "ok")
            throw new Xunit.Sdk.XunitException($"'{type}' failed: {reply}");
        return reply;
    }

    /// <summary>Sends a request that must fail, and returns its error code.</summary>
    public async Task<string> ErrorAsync(string type, object? fields = null)
    {
        var reply = await RequestAsync(type, fields);
        Assert.Equal("error", reply.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(reply.GetProperty("message").GetString()));
        return reply.GetProperty("code").GetString()!;
    }

    /// <summary>Waits for a frame not matched to a request (an event, or an error with no id) and takes it.</summary>
    public async Task<JsonElement> NextAsync(string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        JsonElement found = default;
        await Until.TrueAsync(() => TryTake(type, match, out found), $"a '{type}' frame arrives", timeout ?? ReplyTimeout);
        return found;
    }

    /// <summary>True when no unconsumed frame of this type has arrived.</summary>
    public bool HasNo(string type, Func<JsonElement, bool>? match = null)
    {
        lock (_received)
            return !_received.Where((e, i) => !_consumed.Contains(i) && Matches(e, type, match)).Any();
    }

    private bool TryTake(string type, Func<JsonElement, bool>? match, out JsonElement found)
    {
        lock (_received)
        {
            for (var i = 0; i < _received.Count; i++)
            {
                if (!_consumed.Contains(i) && Matches(_received[i], type, match))
                {
                    _consumed.Add(i);
                    found = _received[i];
                    return true;
                }
            }
        }
        found = default;
        return false;
    }

    private static bool Matches(JsonElement frame, string type, Func<JsonElement, bool>? match) =>
        frame.TryGetProperty("type", out var t) && t.GetString() == type && (match is null || match(frame));

    protected void OnFrame(string text)
    {
        var frame = JsonDocument.Parse(text).RootElement;
        if (frame.TryGetProperty("re", out var re) && re.ValueKind != JsonValueKind.Null
            && _pending.TryRemove(re.GetRawText(), out var waiter))
        {
            waiter.TrySetResult(frame);
            return;
        }
        lock (_received)
            _received.Add(frame);
    }

    protected void OnClosed()
    {
        _closed.TrySetResult();
        foreach (var waiter in _pending.Values)
            waiter.TrySetException(new IOException("the server closed the connection"));
    }
}
