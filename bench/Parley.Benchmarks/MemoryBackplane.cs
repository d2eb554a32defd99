using System.Collections.Concurrent;
using Parley.Core.Cluster;
using Parley.Core.Model;

namespace Parley.Benchmarks;

/// <summary>
/// A single-node backplane that numbers messages in memory and stores nothing, so the fan-out
/// benchmarks measure the hub and the sessions rather than SQLite's commit (which parley bench
/// measures end to end). Everything else (accounts, rooms) goes to the real SQLite store.
/// </summary>
internal sealed class MemoryBackplane : IBackplane
{
    private readonly ConcurrentDictionary<string, long> _last = new(StringComparer.Ordinal);

    public string NodeId => "bench";

    public Task StartAsync(Action<ClusterEvent> onRemote, Func<IReadOnlyCollection<LocalUser>> localUsers, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    public Task<StoredMessage> AppendAsync(NewMessage message) =>
        Task.FromResult(message.WithSeq(_last.AddOrUpdate(message.Conversation, 1, (_, seq) => seq + 1)));

    public Task PublishAsync(ClusterEvent clusterEvent) => Task.CompletedTask;

    public Task<IReadOnlyList<NodePresence>> RemotePresenceAsync() => Task.FromResult<IReadOnlyList<NodePresence>>([]);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
