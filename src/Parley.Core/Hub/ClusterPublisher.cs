using Parley.Core.Cluster;

namespace Parley.Core.Hub;

/// <summary>
/// Tells the other nodes of a change this node has already applied and delivered. Every owner
/// publishes through it; what the other nodes publish arrives in <see cref="ChatHub"/>, which
/// hands each event to the owner of what changed.
///
/// Concurrency: no state but the failure event; called outside every lock, from any thread.
/// </summary>
internal sealed class ClusterPublisher(IBackplane backplane)
{
    /// <summary>This node's id among the nodes sharing the store.</summary>
    public string NodeId => backplane.NodeId;

    /// <summary>Reports a change that could not be told to the other nodes (the backplane logs the cause too).</summary>
    public event Action<ClusterEvent, Exception>? Failed;

    /// <summary>Tells the other nodes; a failure is reported, never thrown: the change already happened here.</summary>
    public async Task PublishAsync(ClusterEvent clusterEvent)
    {
        try
        {
            await backplane.PublishAsync(clusterEvent).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed?.Invoke(clusterEvent, ex);
        }
    }

    /// <summary>Reports a failure to reach the cluster that was not a publish (the catch-up after a reconnect).</summary>
    public void Report(ClusterEvent clusterEvent, Exception exception) => Failed?.Invoke(clusterEvent, exception);
}
