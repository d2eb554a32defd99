using System.Collections.Concurrent;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;

namespace Parley.Core.Hub;

/// <summary>
/// The chat domain: accounts, rooms, messages, presence and fan-out, for every protocol at once.
/// Adapters call it with a <see cref="Session"/> and get a <see cref="Result{T}"/>; events reach
/// sessions through <see cref="Session.TryDeliver"/>. Changes made here are told to the other
/// nodes through the <see cref="IBackplane"/>, and theirs arrive in <see cref="OnRemote"/>
/// (ChatHub.Cluster.cs), so every node keeps the same view and delivers to its own sessions.
///
/// Concurrency: <see cref="_topology"/> guards changes to who is in which room and who is
/// connected; it is never held across I/O (store calls happen before or after it). The send path
/// takes no hub lock: it reads immutable session arrays and orders delivery per conversation in
/// its <see cref="ConversationSequencer"/>.
/// </summary>
public sealed partial class ChatHub
{
    private readonly IChatStore _store;
    private readonly IBackplane _backplane;
    private readonly IPasswordHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ChatLimits _limits;
    private readonly LoginThrottle _throttle;

    private readonly Lock _topology = new();
    // Keyed by Names.Key, but found by any spelling of the name (which is ASCII): no lower-case copy per send.
    private readonly ConcurrentDictionary<string, RoomState> _rooms = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, UserState> _online = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConversationSequencer> _directSequencers = new(StringComparer.Ordinal);

    /// <summary>Room key → the create of that room being stored right now.</summary>
    private readonly ConcurrentDictionary<string, Task> _creating = new(StringComparer.Ordinal);

    /// <summary>User key → the keys of the rooms the user is in. Guarded by the topology lock.</summary>
    private readonly Dictionary<string, HashSet<string>> _roomsOfUser = new(StringComparer.Ordinal);

    /// <summary>User key → display name, for users known to exist. Users are never deleted.</summary>
    private readonly ConcurrentDictionary<string, string> _knownUsers = new(StringComparer.Ordinal);

    public ChatHub(IChatStore store, IBackplane backplane, IPasswordHasher hasher, TimeProvider time, ChatLimits limits)
    {
        _store = store;
        _backplane = backplane;
        _hasher = hasher;
        _time = time;
        _limits = limits;
        _throttle = new LoginThrottle(time, limits);
    }

    public ChatLimits Limits => _limits;

    /// <summary>This node's id among the nodes sharing the store.</summary>
    public string NodeId => _backplane.NodeId;

    /// <summary>Loads rooms and memberships from the store and joins the cluster. Call once before serving.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _store.InitializeAsync(_limits.DefaultRoom, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var record in await _store.LoadRoomsAsync().ConfigureAwait(false))
        {
            var room = NewRoom(record.Name, record.Topic);
            _rooms[record.Key] = room;
            lock (_topology)
            {
                foreach (var member in record.Members)
                {
                    AddMember(_roomsOfUser, room, Names.Key(member), member);
                    _knownUsers[Names.Key(member)] = member;
                }
            }
        }
        // Each room's delivery order starts where its history ends.
        await Task.WhenAll(_rooms.Values.Select(r => r.Sequencer.EnsureBaselineAsync())).ConfigureAwait(false);
        await _backplane.StartAsync(OnRemote, LocalUsers, cancellationToken).ConfigureAwait(false);
        foreach (var presence in await _backplane.RemotePresenceAsync().ConfigureAwait(false))
            OnRemote(presence);
    }

    private RoomState NewRoom(string name, string topic)
    {
        RoomState? room = null;
        room = new RoomState(name, topic, NewSequencer(ConversationKey.ForRoom(name), (message, origin) => DeliverToRoom(room!, message, origin)));
        return room;
    }

    private ConversationSequencer DirectSequencer(string conversation) =>
        _directSequencers.GetOrAdd(conversation, c => NewSequencer(c, DeliverDirect));

    private ConversationSequencer NewSequencer(string conversation, Action<StoredMessage, Session?> deliver) =>
        new(_time, _limits.MessageGapTimeout, (after, before) => MessagesBetweenAsync(conversation, after, before),
            () => LastSeqAsync(conversation), deliver);

    private async Task<long> LastSeqAsync(string conversation) =>
        (await _store.HistoryAsync(conversation, beforeSeq: null, limit: 1).ConfigureAwait(false)).Messages.FirstOrDefault()?.Seq ?? 0;

    /// <summary>Stored messages with after &lt; seq &lt; before, oldest first (at most 1000), to fill a delivery gap.</summary>
    private async Task<IReadOnlyList<StoredMessage>> MessagesBetweenAsync(string conversation, long after, long before)
    {
        var page = await _store.HistoryAsync(conversation, before, (int)Math.Clamp(before - after - 1, 1, 1000)).ConfigureAwait(false);
        return page.Messages.Where(m => m.Seq > after).OrderBy(m => m.Seq).ToList();
    }

    private static ChatError Error(string code, string message) => new(code, message);

    /// <summary>Hands the broadcast to each target but <paramref name="except"/>; a full queue closes that session alone.</summary>
    /// <remarks>The fan-out hot path: an array loop, no enumerator allocated per message.</remarks>
    private static void Deliver(Broadcast broadcast, Session[] targets, Session? except)
    {
        foreach (var session in targets)
        {
            if (session == except)
                continue;
            if (!session.TryDeliver(broadcast))
                session.Close(ByeReasons.SlowConsumer);
        }
    }

    private static void Deliver(Broadcast broadcast, IEnumerable<Session> targets, Session? except) =>
        Deliver(broadcast, targets as Session[] ?? targets.ToArray(), except);

    private static void Deliver(ChatEvent chatEvent, IEnumerable<Session> targets, Session? except) =>
        Deliver(new Broadcast(chatEvent), targets, except);

    private Session[] SessionsOf(string userKey) =>
        _online.TryGetValue(userKey, out var user) ? user.Sessions : [];

    private async Task<string?> FindUserNameAsync(string name)
    {
        var key = Names.Key(name);
        if (_knownUsers.TryGetValue(key, out var known))
            return known;
        var user = await _store.FindUserAsync(key).ConfigureAwait(false);
        if (user is null)
            return null;
        _knownUsers[key] = user.Name;
        return user.Name;
    }

    private DateTimeOffset Now()
    {
        // Timestamps go out with millisecond precision; keep the stored value the same.
        var now = _time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
