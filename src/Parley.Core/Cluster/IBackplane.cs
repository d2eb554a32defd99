using Parley.Core.Model;

namespace Parley.Core.Cluster;

/// <summary>
/// How Parley nodes that share one store hear of each other's changes. A single node uses
/// <see cref="InProcessBackplane"/>, which has nobody to tell; several nodes share a Redis one.
/// Local delivery never goes through the backplane: a node delivers its own events itself and
/// the backplane carries them only to the other nodes.
/// </summary>
public interface IBackplane : IAsyncDisposable
{
    /// <summary>This node's identity, unique among the nodes sharing the store.</summary>
    string NodeId { get; }

    /// <summary>
    /// Starts listening: <paramref name="onRemote"/> gets every other node's events, in order per
    /// conversation. <paramref name="localUsers"/> says who has a session on this node, for a
    /// backplane that must announce them again after losing its connection.
    /// </summary>
    Task StartAsync(Action<ClusterEvent> onRemote, Func<IReadOnlyCollection<LocalUser>> localUsers, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a message and makes it known to the other nodes in one step, so that every node
    /// sees a conversation's messages in seq order. Same ordering rule as <see cref="Storage.IChatStore.AppendAsync"/>.
    /// </summary>
    Task<StoredMessage> AppendAsync(NewMessage message);

    /// <summary>Tells the other nodes about a change this node has already applied.</summary>
    Task PublishAsync(ClusterEvent clusterEvent);

    /// <summary>Users with a session on other live nodes, with the nodes they are on (for a node that just started).</summary>
    Task<IReadOnlyList<NodePresence>> RemotePresenceAsync();
}

/// <summary>A user with a session on this node, as a backplane announces it again (<see cref="NodePresence"/>).</summary>
public readonly record struct LocalUser(string Name, bool Guest);
