using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Core.Cluster;

/// <summary>The backplane of a single node: messages go straight to the store and there is no one else to tell.</summary>
public sealed class InProcessBackplane(IChatStore store) : IBackplane
{
    public string NodeId { get; } = "local";

    public Task StartAsync(Action<ClusterEvent> onRemote, Func<IReadOnlyCollection<LocalUser>> localUsers, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    public Task<StoredMessage> AppendAsync(NewMessage message) => store.AppendAsync(message);

    public Task PublishAsync(ClusterEvent clusterEvent) => Task.CompletedTask;

    public Task<IReadOnlyList<NodePresence>> RemotePresenceAsync() => Task.FromResult<IReadOnlyList<NodePresence>>([]);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
