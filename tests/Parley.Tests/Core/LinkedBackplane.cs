using Parley.Core.Cluster;
using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Tests.Core;

/// <summary>
/// Several hubs in one process wired to each other, to test the hub's side of the cluster
/// contract (view updates, remote delivery, presence) without a network. The Redis backplane is
/// tested for real in the integration tests.
/// </summary>
internal sealed class LinkedBackplane(string nodeId, IChatStore store, List<LinkedBackplane> cluster) : IBackplane
{
    private Action<ClusterEvent>? _onRemote;
    private readonly Lock _gate = new();

    public string NodeId => nodeId;

    public Task StartAsync(Action<ClusterEvent> onRemote, Func<IReadOnlyCollection<LocalUser>> localUsers, CancellationToken cancellationToken = default)
    {
        _onRemote = onRemote;
        return Task.CompletedTask;
    }

    public async Task<StoredMessage> AppendAsync(NewMessage message)
    {
        var stored = await store.AppendAsync(message);
        await PublishAsync(new MessageStored(stored));
        return stored;
    }

    public Task PublishAsync(ClusterEvent clusterEvent)
    {
        foreach (var node in cluster.Where(n => n != this))
        {
            lock (node._gate)
                node._onRemote?.Invoke(clusterEvent);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NodePresence>> RemotePresenceAsync() => Task.FromResult<IReadOnlyList<NodePresence>>([]);

    /// <summary>Simulates this node dying: the others are told it is lost.</summary>
    public void Die()
    {
        cluster.Remove(this);
        foreach (var node in cluster)
            node._onRemote?.Invoke(new NodeLost(nodeId));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
