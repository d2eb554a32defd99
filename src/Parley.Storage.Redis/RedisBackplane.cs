using System.Threading.Channels;
using System.Text.Json;
using Parley.Core.Cluster;
using Parley.Core.Model;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// Nodes sharing one Redis hear each other through one pub/sub channel. Stored messages are
/// published by the store's append script itself, so their order on the channel is their seq
/// order; every other event is published after the change is applied, on the same connection, so
/// one node's events keep their order too.
///
/// Presence: each node keeps a heartbeat key with a TTL and the set of its users. A node whose
/// heartbeat has expired (it stopped without a clean shutdown) is declared lost by every other
/// node at its next heartbeat, and its users go offline there. A node that finds its own heartbeat
/// gone (Redis was down, or restarted empty) announces its users again.
/// </summary>
public sealed partial class RedisBackplane(RedisChatStore store, RedisBackplaneOptions options, TimeProvider time) : IBackplane
{
    private readonly RedisKeys _keys = store.Keys;
    private readonly HashSet<string> _knownNodes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Action<ClusterEvent> _onRemote = _ => { };
    private Func<IReadOnlyCollection<LocalUser>> _localUsers = () => [];
    private ChannelMessageQueue? _subscription;
    private ITimer? _heartbeat;
    private int _beating;
    // Set when the connection came back and this node's presence in Redis is not yet re-synced.
    // Redis can answer LOADING for a while after a restart without the connection dropping, so no
    // later reconnect would try again: the heartbeat does, until a re-sync succeeds.
    private int _resyncPending;
    private int _resyncing;
    // After a re-sync, how many more heartbeats say this node's presence again (RepeatPresenceAsync).
    private int _repeatsLeft;
    // Who left while Redis could not hear it, said again with those repeats. Guarded by _gate.
    private readonly HashSet<string> _leftUnheard = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<(NodePresence Presence, TaskCompletionSource Done)> _presenceQueue =
        Channel.CreateUnbounded<(NodePresence, TaskCompletionSource)>(new() { SingleReader = true });
    private Task _presencePublisher = Task.CompletedTask;
    private volatile bool _disposed;

    /// <summary>How many heartbeats after a re-sync this node says its presence again (<see cref="RepeatPresenceAsync"/>): 20 s at the default interval.</summary>
    private const int RepeatHeartbeats = 10;

    public string NodeId => options.NodeId;

    /// <summary>Something went wrong that the node survives (Redis away, a payload it cannot read); the host logs it.</summary>
    public event Action<string, Exception?>? Trouble;

    public async Task StartAsync(Action<ClusterEvent> onRemote, Func<IReadOnlyCollection<LocalUser>> localUsers, CancellationToken cancellationToken = default)
    {
        _onRemote = onRemote;
        _localUsers = localUsers;
        try
        {
            _subscription = await store.Connection.GetSubscriber().SubscribeAsync(_keys.Events()).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            throw RedisFailures.Unavailable(store.Endpoint, ex);
        }
        // The queue hands messages over one at a time, in channel order.
        _subscription.OnMessage(OnMessage);
        _presencePublisher = Task.Run(PublishPresenceInOrderAsync);
        store.Connection.ConnectionRestored += OnConnectionRestored;
        await HeartbeatAsync().ConfigureAwait(false);
        _heartbeat = time.CreateTimer(_ => _ = HeartbeatAsync(), null, options.HeartbeatInterval, options.HeartbeatInterval);
    }

    public Task<StoredMessage> AppendAsync(NewMessage message) =>
        store.AppendAndPublishAsync(message, new MessagePublication(_keys.Events(), NodeId));

    public Task PublishAsync(ClusterEvent clusterEvent)
    {
        if (clusterEvent is not NodePresence presence)
            return PublishNowAsync(clusterEvent);
        // Presence changes take several round trips each; one queue keeps a quick offline-online
        // of the same user from reaching the other nodes the wrong way round.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_presenceQueue.Writer.TryWrite((presence, done)))
            done.SetException(new ObjectDisposedException(nameof(RedisBackplane)));
        return done.Task;
    }

    private async Task PublishNowAsync(ClusterEvent clusterEvent)
    {
        try
        {
            var database = store.Connection.GetDatabase();
            if (clusterEvent is NodePresence presence)
                await RecordPresenceAsync(database, presence.User, presence.Online).ConfigureAwait(false);
            await database.PublishAsync(_keys.Events(), ClusterEnvelope.Encode(NodeId, clusterEvent)).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            throw RedisFailures.Unavailable(store.Endpoint, ex);
        }
    }

    private async Task PublishPresenceInOrderAsync()
    {
        await foreach (var (presence, done) in _presenceQueue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await PublishNowAsync(presence).ConfigureAwait(false);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }
    }

    public async Task<IReadOnlyList<NodePresence>> RemotePresenceAsync()
    {
        // Read as a pull is: departures heard meanwhile are kept, to win over what the read saw.
        Volatile.Write(ref _pulling, 1);
        try
        {
            var since = HeardCount();
            var read = await ReadRemotePresenceAsync(store.Connection.GetDatabase()).ConfigureAwait(false);
            return RecordStartingPresence(read.SelectMany(node => node.Value.Select(user => new NodePresence(node.Key, user, Online: true))), since);
        }
        finally
        {
            Volatile.Write(ref _pulling, 0);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (_disposed)
            return;
        Volatile.Write(ref _resyncPending, 1);
        _ = ResyncPresenceAsync();
    }

    /// <summary>
    /// After an outage: makes this node's presence in Redis exactly what it is now (users may have
    /// left meanwhile), announces its users again, and, once Redis answers, has the node catch up
    /// from the store on what pub/sub dropped. Runs again at each heartbeat until it succeeds.
    /// </summary>
    private async Task ResyncPresenceAsync()
    {
        if (_disposed || Interlocked.Exchange(ref _resyncing, 1) == 1)
            return;
        // Cleared before the attempt: a reconnect during it sets it again, and the heartbeat retries.
        Volatile.Write(ref _resyncPending, 0);
        var left = new List<string>();
        try
        {
            var database = store.Connection.GetDatabase();
            var local = LocalNames();
            foreach (var recorded in await database.SetMembersAsync(_keys.NodeUsers(NodeId)).ConfigureAwait(false))
            {
                var user = recorded.ToString();
                if (local.Contains(user))
                    continue;
                await RecordPresenceAsync(database, user, online: false).ConfigureAwait(false);
                await PublishDepartureAsync(database, user).ConfigureAwait(false);
                left.Add(user);
            }
            await AnnounceLocalUsersAsync(database).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            Volatile.Write(ref _resyncPending, 1);
            Trouble?.Invoke("could not re-sync presence after reconnecting; the next heartbeat tries again", ex);
            return;
        }
        catch (Exception ex)
        {
            // Redis answered, with an error no retry mends (out of memory, say): say so, and
            // still catch up on messages below.
            Trouble?.Invoke("could not re-sync presence after reconnecting", ex);
        }
        finally
        {
            Volatile.Write(ref _resyncing, 0);
        }
        lock (_gate)
            _leftUnheard.UnionWith(left);
        Volatile.Write(ref _repeatsLeft, RepeatHeartbeats);
        // And what the other nodes said while this one did not listen is read back from Redis.
        RequestPull();
        // Pub/sub does not replay what was published while we were away: catch up from the store,
        // now that it answers.
        _onRemote(new BackplaneReconnected());
        await HeartbeatAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Every node's subscription comes back at its own pace after an outage (seconds apart after
    /// Redis was unreachable), and pub/sub drops what is published before it does: a node that
    /// missed a departure would show the user online for good, one that missed an arrival offline.
    /// So the heartbeats after a re-sync say both again. To a node that heard them they change nothing.
    /// </summary>
    private async Task RepeatPresenceAsync(IDatabase database)
    {
        var local = _localUsers();
        var names = local.Select(u => u.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string[] left;
        lock (_gate)
            left = _leftUnheard.Where(user => !names.Contains(user)).ToArray();
        foreach (var user in left)
            await PublishDepartureAsync(database, user).ConfigureAwait(false);
        foreach (var user in local)
            await PublishArrivalAsync(database, user).ConfigureAwait(false);
        // Published beside the presence queue, not through it: someone who left while the arrivals
        // went out may have had their departure published before their arrival here. Say those
        // departures again, after.
        var stillLocal = LocalNames();
        foreach (var user in local.Where(user => !stillLocal.Contains(user.Name)))
            await PublishDepartureAsync(database, user.Name).ConfigureAwait(false);
        if (Interlocked.Decrement(ref _repeatsLeft) <= 0)
        {
            lock (_gate)
                _leftUnheard.Clear();
        }
    }

    private HashSet<string> LocalNames() => _localUsers().Select(u => u.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private Task PublishArrivalAsync(IDatabase database, LocalUser user) =>
        database.PublishAsync(_keys.Events(), ClusterEnvelope.Encode(NodeId, new NodePresence(NodeId, user.Name, Online: true, Guest: user.Guest)));

    private Task PublishDepartureAsync(IDatabase database, string user) =>
        database.PublishAsync(_keys.Events(), ClusterEnvelope.Encode(NodeId, new NodePresence(NodeId, user, Online: false)));

    private void OnMessage(ChannelMessage message)
    {
        try
        {
            var (node, clusterEvent) = ClusterEnvelope.Decode((byte[])message.Message!);
            if (node == NodeId)
                return;
            if (node is not null)
            {
                lock (_gate)
                    _knownNodes.Add(node);
            }
            if (clusterEvent is NodePresence presence)
                HandOverLive(presence);
            else
                _onRemote(clusterEvent);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            Trouble?.Invoke("ignored an unreadable message on the backplane channel", ex);
        }
    }

    /// <summary>Keeps this node's heartbeat alive, re-announces its users if it was taken for dead, and buries dead nodes.</summary>
    private async Task HeartbeatAsync()
    {
        if (Volatile.Read(ref _resyncPending) == 1)
            _ = ResyncPresenceAsync();
        if (_disposed || Interlocked.Exchange(ref _beating, 1) == 1)
            return;
        try
        {
            NoteBeat();
            var database = store.Connection.GetDatabase();
            var heartbeat = _keys.NodeHeartbeat(NodeId);
            var fresh = await database.StringSetAsync(heartbeat, "1", options.PresenceTtl, When.NotExists).ConfigureAwait(false);
            if (!fresh)
                await database.KeyExpireAsync(heartbeat, options.PresenceTtl).ConfigureAwait(false);
            await database.SetAddAsync(_keys.Nodes(), NodeId).ConfigureAwait(false);
            if (fresh)
            {
                await AnnounceLocalUsersAsync(database).ConfigureAwait(false);
                // Taken for dead (or Redis lost its data): this node may have missed the others' news too.
                if (_heartbeat is not null)
                    RequestPull();
            }

            var listed = await database.SetMembersAsync(_keys.Nodes()).ConfigureAwait(false);
            string[] candidates;
            lock (_gate)
            {
                foreach (var node in listed)
                    _knownNodes.Add(node.ToString());
                candidates = _knownNodes.Where(n => n != NodeId).ToArray();
            }
            foreach (var node in candidates)
            {
                if (await database.KeyExistsAsync(_keys.NodeHeartbeat(node)).ConfigureAwait(false))
                    continue;
                await BuryAsync(database, node).ConfigureAwait(false);
            }
            if (Volatile.Read(ref _repeatsLeft) > 0)
                await RepeatPresenceAsync(database).ConfigureAwait(false);
            if (Volatile.Read(ref _pullsLeft) > 0)
                await PullPresenceAsync(database).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            Trouble?.Invoke("heartbeat failed; presence is re-synced when Redis is back", ex);
        }
        finally
        {
            Interlocked.Exchange(ref _beating, 0);
        }
    }

    /// <summary>A node's heartbeat expired: forget it here, clear its keys (every node may do this; it is idempotent).</summary>
    private async Task BuryAsync(IDatabase database, string node)
    {
        lock (_gate)
            _knownNodes.Remove(node);
        var users = await database.SetMembersAsync(_keys.NodeUsers(node)).ConfigureAwait(false);
        await database.KeyDeleteAsync(_keys.NodeUsers(node)).ConfigureAwait(false);
        await database.SetRemoveAsync(_keys.Nodes(), node).ConfigureAwait(false);
        foreach (var user in users)
        {
            if (!await IsOnAnotherNodeAsync(database, user.ToString(), node).ConfigureAwait(false))
                await database.SetRemoveAsync(_keys.Online(), user).ConfigureAwait(false);
        }
        HandOverLost(node);
    }

    private async Task AnnounceLocalUsersAsync(IDatabase database)
    {
        foreach (var user in _localUsers())
        {
            await RecordPresenceAsync(database, user.Name, online: true).ConfigureAwait(false);
            await PublishArrivalAsync(database, user).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps this node's user set and the global online set (SADD / SREM, as the original project did).</summary>
    private async Task RecordPresenceAsync(IDatabase database, string user, bool online)
    {
        if (online)
        {
            await database.SetAddAsync(_keys.NodeUsers(NodeId), user).ConfigureAwait(false);
            await database.SetAddAsync(_keys.Online(), user).ConfigureAwait(false);
            return;
        }
        await database.SetRemoveAsync(_keys.NodeUsers(NodeId), user).ConfigureAwait(false);
        if (!await IsOnAnotherNodeAsync(database, user, NodeId).ConfigureAwait(false))
            await database.SetRemoveAsync(_keys.Online(), user).ConfigureAwait(false);
    }

    private async Task<bool> IsOnAnotherNodeAsync(IDatabase database, string user, string except)
    {
        foreach (var node in await database.SetMembersAsync(_keys.Nodes()).ConfigureAwait(false))
        {
            var id = node.ToString();
            if (id != except && await database.SetContainsAsync(_keys.NodeUsers(id), user).ConfigureAwait(false))
                return true;
        }
        return false;
    }

    /// <summary>A clean stop: this node's users leave the online sets and its heartbeat goes at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        _heartbeat?.Dispose();
        _presenceQueue.Writer.TryComplete();
        await _presencePublisher.ConfigureAwait(false);
        if (_subscription is not null)
        {
            store.Connection.ConnectionRestored -= OnConnectionRestored;
            try
            {
                var database = store.Connection.GetDatabase();
                await _subscription.UnsubscribeAsync().ConfigureAwait(false);
                foreach (var user in await database.SetMembersAsync(_keys.NodeUsers(NodeId)).ConfigureAwait(false))
                {
                    await RecordPresenceAsync(database, user.ToString(), online: false).ConfigureAwait(false);
                    await database.PublishAsync(_keys.Events(), ClusterEnvelope.Encode(NodeId, new NodePresence(NodeId, user.ToString(), Online: false))).ConfigureAwait(false);
                }
                await database.KeyDeleteAsync([_keys.NodeHeartbeat(NodeId), _keys.NodeUsers(NodeId)]).ConfigureAwait(false);
                await database.SetRemoveAsync(_keys.Nodes(), NodeId).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
            {
                // Redis is away: the heartbeat expires on its own and the other nodes clean up.
            }
        }
    }
}
