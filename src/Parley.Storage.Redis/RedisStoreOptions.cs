namespace Parley.Storage.Redis;

public sealed class RedisStoreOptions
{
    /// <summary>
    /// Where Redis is: <c>HOST:PORT</c>, or any StackExchange.Redis configuration string
    /// (<c>HOST:PORT,password=…</c>). The timeouts below override those in the string.
    /// </summary>
    public required string Configuration { get; init; }

    /// <summary>Starts every key and channel name (see <see cref="RedisKeys"/>).</summary>
    public string KeyPrefix { get; init; } = RedisKeys.DefaultPrefix;

    /// <summary>How long one attempt to open the connection may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a command may wait for its answer, including time queued while the connection is
    /// down: a store call fails with <c>StoreUnavailableException</c> after about this long.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where each message append's round trip is recorded (<see cref="Parley.Core.Diagnostics.ChatMetrics.StoreCommitted"/>); nowhere when null.</summary>
    public Parley.Core.Diagnostics.ChatMetrics? Metrics { get; init; }

    /// <summary>How often a lost connection is tried again; it is retried for as long as the store is open.</summary>
    public TimeSpan ReconnectInterval { get; init; } = TimeSpan.FromSeconds(1);
}
