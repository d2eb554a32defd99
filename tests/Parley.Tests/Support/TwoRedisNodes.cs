namespace Parley.Tests.Support;

/// <summary>Two real Parley nodes, <see cref="A"/> and <see cref="B"/>, on one real redis-server, for every test of a class.</summary>
public abstract class TwoRedisNodes : IAsyncLifetime
{
    protected RedisNodes Nodes { get; private set; } = null!;

    protected TestServer A { get; private set; } = null!;

    protected TestServer B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Nodes = await RedisNodes.StartAsync();
        A = await Nodes.StartNodeAsync("a");
        B = await Nodes.StartNodeAsync("b");
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Nodes.DisposeAsync();
    }
}
