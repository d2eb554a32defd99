using Parley.Core.Cluster;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// Pull-reconcile of the other nodes' presence. Pub/sub drops what is published while a node's
/// subscription is down, and a node that was stopped (SIGSTOP, a VM pause) past its lease may have
/// lost its subscription meanwhile: the arrivals and departures it missed would stay wrong on it
/// for good, as nothing says them again. So after it notices it missed time (its connection came
/// back, its heartbeat ran later than the lease, or its heartbeat key was gone) the node reads
/// every other live node's user set from Redis and raises, through the same path as a remote
/// event, an arrival or departure for each user it believed otherwise.
///
/// The race with live events: a presence event heard after the pull began is newer than, or as new
/// as, what the pull read (each node changes its set before it publishes, and its events come in
/// order), so for a user with such an event the live event wins and the pull leaves it alone.
/// Recording what the hub was told and handing it over happen under one lock, so the pull's
/// corrections and live events reach the hub in the order they were decided.
/// </summary>
public sealed partial class RedisBackplane
{
    // What this node's hub has been told of other nodes' users: node → user → the last word.
    // Guarded by _presenceGate, which is also held while that word is handed to the hub.
    private readonly Dictionary<string, Dictionary<string, Heard>> _heard = new(StringComparer.Ordinal);
    private readonly Lock _presenceGate = new();
    // Counts presence events heard live; a Heard's Stamp is this count when it was heard (0: from a pull).
    private long _heardCount;
    // How many pulls the heartbeat still owes: set when the node noticed it may have missed presence events.
    private int _pullsLeft;
    private int _pulling;
    private long _lastBeat;

    /// <param name="Stamp">The value of <see cref="_heardCount"/> when it was heard live; 0 when a pull set it.</param>
    private readonly record struct Heard(bool Online, bool Guest, long Stamp);

    /// <summary>Another node's presence event, heard live: recorded and handed to the hub as one step.</summary>
    private void HandOverLive(NodePresence presence)
    {
        lock (_presenceGate)
        {
            var stamp = ++_heardCount;
            // A departure is kept only while a pull runs, to tell it that a live event came after it began.
            if (presence.Online || Volatile.Read(ref _pulling) == 1)
                Record(presence.Node, presence.User, new Heard(presence.Online, presence.Guest, stamp));
            else if (_heard.TryGetValue(presence.Node, out var users))
                users.Remove(presence.User);
            _onRemote(presence);
        }
    }

    /// <summary>A node buried here: its users are forgotten with it.</summary>
    private void HandOverLost(string node)
    {
        lock (_presenceGate)
        {
            _heard.Remove(node);
            _onRemote(new NodeLost(node));
        }
    }

    /// <summary>What <see cref="RemotePresenceAsync"/> read, as the hub is about to apply it; a user heard of live meanwhile keeps what it heard.</summary>
    private List<NodePresence> RecordStartingPresence(IEnumerable<NodePresence> read, long since)
    {
        var kept = new List<NodePresence>();
        lock (_presenceGate)
        {
            foreach (var presence in read)
            {
                if (HeardSince(presence.Node, presence.User, since))
                    continue;
                Record(presence.Node, presence.User, new Heard(Online: true, presence.Guest, Stamp: 0));
                kept.Add(presence);
            }
        }
        return kept;
    }

    private long HeardCount()
    {
        lock (_presenceGate)
            return _heardCount;
    }

    /// <summary>Call under <see cref="_presenceGate"/>.</summary>
    private bool HeardSince(string node, string user, long since) =>
        _heard.TryGetValue(node, out var users) && users.TryGetValue(user, out var heard) && heard.Stamp > since;

    /// <summary>Call under <see cref="_presenceGate"/>.</summary>
    private void Record(string node, string user, Heard heard)
    {
        if (!_heard.TryGetValue(node, out var users))
            _heard[node] = users = new Dictionary<string, Heard>(StringComparer.OrdinalIgnoreCase);
        users[user] = heard;
    }

    /// <summary>
    /// Notes the heartbeat's time; a gap longer than the lease since the last one (the process was
    /// stopped, or starved) means this node may have been taken for dead and missed events: pull.
    /// </summary>
    private void NoteBeat()
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Exchange(ref _lastBeat, now);
        if (last != 0 && time.GetElapsedTime(last, now) > options.PresenceTtl)
            RequestPull();
    }

    /// <summary>Asks the heartbeat to pull now and once more a heartbeat later, in case the subscription was not back yet for the first.</summary>
    private void RequestPull() => Volatile.Write(ref _pullsLeft, 2);

    /// <summary>Reads the other live nodes' users from Redis and puts right, through the hub, what this node believed otherwise.</summary>
    private async Task PullPresenceAsync(IDatabase database)
    {
        if (Interlocked.Exchange(ref _pulling, 1) == 1)
            return;
        var corrected = new List<NodePresence>();
        try
        {
            var since = HeardCount();
            var read = await ReadRemotePresenceAsync(database).ConfigureAwait(false);
            lock (_presenceGate)
            {
                foreach (var (node, users) in read)
                    Reconcile(node, users, since, corrected);
            }
            // A miss noticed during the pull asked for two more; otherwise this one counts.
            var left = Volatile.Read(ref _pullsLeft);
            if (left > 0)
                Interlocked.CompareExchange(ref _pullsLeft, left - 1, left);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            Trouble?.Invoke("could not read the other nodes' presence; the next heartbeat tries again", ex);
        }
        finally
        {
            Volatile.Write(ref _pulling, 0);
        }
        if (corrected.Count > 0)
        {
            var named = string.Join(", ", corrected.Take(10).Select(p => $"{p.User}@{p.Node} {(p.Online ? "online" : "offline")}"));
            Trouble?.Invoke($"presence put right from Redis for {corrected.Count} users whose events were missed: {named}{(corrected.Count > 10 ? ", ..." : "")}", null);
        }
    }

    /// <summary>
    /// One node's users as Redis has them against what the hub was told: the differences go to the
    /// hub and into <paramref name="corrected"/>. Call under <see cref="_presenceGate"/>.
    /// </summary>
    private void Reconcile(string node, HashSet<string> present, long since, List<NodePresence> corrected)
    {
        if (!_heard.TryGetValue(node, out var believed))
            _heard[node] = believed = new Dictionary<string, Heard>(StringComparer.OrdinalIgnoreCase);
        var changes = new List<NodePresence>();
        foreach (var user in present)
        {
            if (believed.TryGetValue(user, out var heard) && (heard.Online || heard.Stamp > since))
                continue;
            changes.Add(new NodePresence(node, user, Online: true));
        }
        foreach (var (user, heard) in believed)
        {
            if (heard.Online && heard.Stamp <= since && !present.Contains(user))
                changes.Add(new NodePresence(node, user, Online: false));
        }
        foreach (var change in changes)
        {
            // Redis keeps no guest flag: one the hub heard of keeps it; a guest first seen by a pull counts as a user.
            var guest = believed.TryGetValue(change.User, out var was) && was.Guest;
            believed[change.User] = new Heard(change.Online, guest, Stamp: 0);
            _onRemote(change with { Guest = guest });
            corrected.Add(change);
        }
        // Departures are kept only to tell a pull that a live one came after it began; older ones go.
        foreach (var gone in believed.Where(u => !u.Value.Online && u.Value.Stamp <= since).Select(u => u.Key).ToList())
            believed.Remove(gone);
    }

    /// <summary>Every other node whose heartbeat is alive, with the users Redis lists on it.</summary>
    private async Task<Dictionary<string, HashSet<string>>> ReadRemotePresenceAsync(IDatabase database)
    {
        var read = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var node in await database.SetMembersAsync(_keys.Nodes()).ConfigureAwait(false))
        {
            var id = node.ToString();
            // A node whose lease is gone is for the heartbeat to bury, not for the pull to empty.
            if (id == NodeId || !await database.KeyExistsAsync(_keys.NodeHeartbeat(id)).ConfigureAwait(false))
                continue;
            var users = await database.SetMembersAsync(_keys.NodeUsers(id)).ConfigureAwait(false);
            read[id] = users.Select(u => u.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            lock (_gate)
                _knownNodes.Add(id);
        }
        return read;
    }
}
