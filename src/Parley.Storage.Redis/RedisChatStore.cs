using System.Net;
using Parley.Core.Model;
using Parley.Core.Storage;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// Keeps everything in one Redis (7.0 or newer; not Redis Cluster), shared by any number of Parley
/// processes. Every key is built by <see cref="Keys"/> and listed in docs/redis.md. Writes that
/// touch several keys are Lua scripts (<see cref="RedisScripts"/>), so each is atomic across
/// processes. A completed task means Redis acknowledged the write; how durable that is, is
/// Redis's own persistence setting (docs/redis.md, "Durability").
/// </summary>
/// <remarks>
/// One multiplexer carries every command in call order over one connection, which is what keeps
/// overlapping <see cref="AppendAsync"/> calls numbered in call order: each call writes its command
/// before it returns. When Redis is unreachable every call fails with
/// <see cref="StoreUnavailableException"/> after at most about <see cref="RedisStoreOptions.OperationTimeout"/>,
/// and the multiplexer keeps reconnecting by itself; service resumes without a new store.
/// </remarks>
public sealed partial class RedisChatStore : IChatStore
{
    /// <summary>
    /// Scripts go as EVAL with their text every time, never SCRIPT LOAD + EVALSHA: after Redis
    /// restarts, EVALSHA fails with NOSCRIPT and the client re-sends the command, which could put a
    /// later append ahead of an earlier one. A script is a few hundred bytes; Redis caches it by hash.
    /// </summary>
    private const CommandFlags ScriptFlags = CommandFlags.NoScriptCache;

    private readonly ConfigurationOptions _configuration;
    private ConnectionMultiplexer? _connection;
    private readonly Parley.Core.Diagnostics.ChatMetrics? _metrics;

    public RedisChatStore(RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = options.Metrics;
        Keys = new RedisKeys(options.KeyPrefix);
        _configuration = ConfigurationOptions.Parse(options.Configuration);
        _configuration.AbortOnConnectFail = false;
        _configuration.ConnectTimeout = Milliseconds(options.ConnectTimeout);
        _configuration.SyncTimeout = Milliseconds(options.OperationTimeout);
        _configuration.AsyncTimeout = Milliseconds(options.OperationTimeout);
        _configuration.ReconnectRetryPolicy = new LinearRetry(Milliseconds(options.ReconnectInterval));
        Endpoint = string.Join(",", _configuration.EndPoints.Select(FormatEndPoint));
    }

    /// <summary>Builds every key and channel name this store uses.</summary>
    public RedisKeys Keys { get; }

    /// <summary>Where Redis is, as <c>HOST:PORT</c>, for messages.</summary>
    public string Endpoint { get; }

    /// <summary>The store's connection, open after <see cref="InitializeAsync"/>; the backplane may share it (e.g. to subscribe).</summary>
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("InitializeAsync was not called");

    /// <summary>Connects (retrying in the background if Redis is not up yet) and makes sure the default room exists.</summary>
    public async Task InitializeAsync(string defaultRoom, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try
        {
            _connection = await ConnectionMultiplexer.ConnectAsync(_configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            throw RedisFailures.Unavailable(Endpoint, ex);
        }
        await CreateRoomAsync(new RoomRecord(defaultRoom, "", now, [])).ConfigureAwait(false);
        await FillUserIndexAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        var connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            await connection.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One PING's round trip: how the host tells whether Redis answers now (/readyz, /metrics).
    /// Throws <see cref="Parley.Core.Storage.StoreUnavailableException"/> when it does not.
    /// </summary>
    public Task<TimeSpan> PingAsync() => Call(database => database.PingAsync());

    /// <summary>
    /// Runs <paramref name="command"/> and turns "Redis is not there" into <see cref="StoreUnavailableException"/>.
    /// The command starts synchronously, before this returns, so commands go out in call order.
    /// </summary>
    private async Task<T> Call<T>(Func<IDatabase, Task<T>> command)
    {
        try
        {
            return await command(Connection.GetDatabase()).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            throw RedisFailures.Unavailable(Endpoint, ex);
        }
    }

    private Task<RedisResult> Script(string script, RedisKey[] keys, RedisValue[] values) =>
        Call(db => db.ScriptEvaluateAsync(script, keys, values, ScriptFlags));

    private static DateTimeOffset ToTime(RedisValue unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)unixMilliseconds);

    private static int Milliseconds(TimeSpan span) => (int)Math.Clamp(span.TotalMilliseconds, 1, int.MaxValue);

    private static string FormatEndPoint(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };
}
