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
                if (message.Room is null)
                    DirectSequencer(message.Conversation).OfferRemote(message);
                else if (FindRoom(message.Room) is { } room)
                    room.Sequencer.OfferRemote(message);
                break;
            case BackplaneReconnected:
                _ = CatchUpAfterReconnectAsync();
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
                    ApplyLeave(left, change.User, origin: null, change.Quit);
                break;
            case Cluster.TopicChanged change:
                if (FindRoom(change.Room) is { } titled)
                {
                    titled.Topic = change.Topic;
                    DeliverTopic(titled, change.Topic, change.By, origin: null);
                }
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
            case Announced announced:
                DeliverAnnouncement(announced.From, announced.Text);
                break;
            case UserKilled killed:
                CloseSessionsOf(killed.User, killed.Reason);
                break;
        }
    }

    /// <summary>
    /// The backplane was cut off for a while and may have lost messages meanwhile: fetch, for every
    /// conversation this node has delivered in, whatever the store has after that.
    /// </summary>
    private async Task CatchUpAfterReconnectAsync()
    {
        var conversations = _rooms.Values.Select(r => (Key: ConversationKey.ForRoom(r.Name), r.Sequencer))
            .Concat(_directSequencers.Select(d => (d.Key, Sequencer: d.Value)));
        foreach (var (conversation, sequencer) in conversations)
        {
            var last = sequencer.LastDelivered;
            if (last < 0)
                continue;
            try
            {
                var page = await _store.HistoryAsync(conversation, beforeSeq: null, limit: 200).ConfigureAwait(false);
                foreach (var message in page.Messages.Where(m => m.Seq > last).OrderBy(m => m.Seq))
                    sequencer.OfferRemote(message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                BackplaneFailed?.Invoke(new BackplaneReconnected(), ex);
                return;
            }
        }
    }

    /// <summary>Who has a session on this node, for a backplane re-announcing them after a reconnect.</summary>
    private IReadOnlyCollection<string> LocalUsers() => _online.Values.Select(u => u.Name).ToList();
}
