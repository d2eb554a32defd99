using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

public sealed partial class ChatHub
{
    /// <summary>Reports a change that could not be told to the other nodes (the backplane logs the cause too).</summary>
    public event Action<ClusterEvent, Exception>? BackplaneFailed;

    /// <summary>Tells the other nodes; a failure is reported, never thrown: the change already happened here.</summary>
    private async Task PublishAsync(ClusterEvent clusterEvent)
    {
        try
        {
            await _backplane.PublishAsync(clusterEvent).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            BackplaneFailed?.Invoke(clusterEvent, ex);
        }
    }

    /// <summary>Applies another node's change to this node's view and delivers it to this node's sessions.</summary>
    private void OnRemote(ClusterEvent clusterEvent)
    {
        switch (clusterEvent)
        {
            case MessageStored { Message: var message }:
                if (message.Room is not null)
                {
                    if (FindRoom(message.Room) is { } room)
                        room.Sequencer.OfferRemote(message, stored => DeliverToRoom(room, stored, origin: null));
                }
                else
                {
                    _directSequencers.GetOrAdd(message.Conversation, _ => NewSequencer())
                        .OfferRemote(message, stored => DeliverDirect(stored, origin: null));
                }
                break;
            case RoomCreated created:
                AddRoom(created.Room, created.Topic, created.Creator);
                break;
            case MembershipChanged { Joined: true } change:
                if (FindRoom(change.Room) is { } joined)
                    ApplyJoin(joined, change.User, origin: null);
                break;
            case MembershipChanged change:
                if (FindRoom(change.Room) is { } left)
                    ApplyLeave(left, change.User, origin: null);
                break;
            case Cluster.TopicChanged change:
                if (FindRoom(change.Room) is { } titled)
                    ApplyTopic(titled, change.Topic, change.By, origin: null);
                break;
            case Cluster.ReadMoved read:
                Deliver(new ReadEvent(read.Room, read.With, read.Seq), SessionsOf(Names.Key(read.User)), except: null);
                break;
            case NodePresence presence:
                ApplyRemotePresence(presence);
                break;
            case NodeLost lost:
                ApplyNodeLost(lost.Node);
                break;
        }
    }

    /// <summary>Who has a session on this node, for a backplane re-announcing them after a reconnect.</summary>
    private IReadOnlyCollection<string> LocalUsers() => _online.Values.Select(u => u.Name).ToList();
}
