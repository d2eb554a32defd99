namespace Parley.Storage.Redis;

public sealed class RedisBackplaneOptions
{
    /// <summary>This node's id, unique among the nodes sharing the Redis; by default host name, process id and a random suffix.</summary>
    public string NodeId { get; init; } = NewNodeId();

    public static string NewNodeId() => $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";

    /// <summary>
    /// How long a node that stops without a clean shutdown still counts as alive: its users go
    /// offline on the other nodes within this time plus one <see cref="HeartbeatInterval"/>.
    /// </summary>
    public TimeSpan PresenceTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a node refreshes its own heartbeat and looks for dead ones.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);
}
