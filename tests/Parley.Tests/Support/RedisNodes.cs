namespace Parley.Tests.Support;

/// <summary>
/// A real redis-server and Parley nodes on it, each with a data directory of its own, under a key
/// prefix of this instance alone; disposing it removes the data directories and stops the Redis.
/// The nodes themselves are the caller's to dispose (a test may stop one midway).
/// </summary>
public sealed class RedisNodes : IAsyncDisposable
{
    private readonly List<string> _directories = [];

    private RedisNodes(RedisServer redis) => Redis = redis;

    public RedisServer Redis { get; }

    public string Prefix { get; } = $"t{Guid.NewGuid():N}:";

    public static async Task<RedisNodes> StartAsync() => new(await RedisServer.StartAsync());

    /// <summary>A data directory removed with the rest.</summary>
    public string NewDirectory()
    {
        var directory = TempDirectory.Create();
        _directories.Add(directory);
        return directory;
    }

    /// <summary>A node on this Redis and prefix, with <paramref name="overrides"/> over its settings (and its own clock, when given).</summary>
    public Task<TestServer> StartNodeAsync(string node, Dictionary<string, string?>? overrides = null, TimeProvider? time = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Store"] = "Redis",
            ["Redis"] = Redis.Endpoint,
            ["RedisPrefix"] = Prefix,
            ["NodeId"] = node,
        };
        foreach (var (key, value) in overrides ?? [])
            settings[key] = value;
        return TestServer.StartAsync(settings, NewDirectory(), time);
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        foreach (var directory in _directories)
            TempDirectory.Delete(directory);
    }
}
