namespace Parley.Cli.Soak;

/// <summary>
/// What one client received per conversation, across its connections: for each seq a hash of the
/// message id (0: not received) and whether it came live; live duplicates and live events out of
/// seq order on one connection. Compact, as a long run delivers millions of messages.
/// </summary>
public sealed class ReceivedLog
{
    private const int LiveFlag = 1 << 30;

    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _conversations = [];
    private int _connection;

    public long LiveDuplicates { get; private set; }

    public long OutOfOrder { get; private set; }

    public long MismatchedIds { get; private set; }

    public long Live { get; private set; }

    public long CaughtUp { get; private set; }

    /// <summary>A new connection: live order is checked per connection.</summary>
    public void NewConnection()
    {
        lock (_lock)
            _connection++;
    }

    public void RecordLive(string conversation, long seq, string id) => Record(conversation, seq, id, live: true);

    public void RecordCaughtUp(string conversation, long seq, string id) => Record(conversation, seq, id, live: false);

    /// <summary>The highest seq received in the conversation, 0 for none.</summary>
    public long Highest(string conversation)
    {
        lock (_lock)
            return _conversations.TryGetValue(conversation, out var entry) ? entry.Highest : 0;
    }

    /// <summary>The highest seq received in every conversation.</summary>
    public Dictionary<string, long> Snapshot()
    {
        lock (_lock)
            return _conversations.ToDictionary(c => c.Key, c => c.Value.Highest);
    }

    /// <summary>Whether this seq was received with this id; false when not received, or with another id.</summary>
    public bool Has(string conversation, long seq, string id)
    {
        lock (_lock)
        {
            return _conversations.TryGetValue(conversation, out var entry) && seq < entry.Slots.Count
                && entry.Slots[(int)seq] is var slot and not 0 && (slot & ~LiveFlag) == Hash(id);
        }
    }

    private void Record(string conversation, long seq, string id, bool live)
    {
        if (seq <= 0 || seq > int.MaxValue / 2)
            return;
        var hash = Hash(id);
        lock (_lock)
        {
            if (!_conversations.TryGetValue(conversation, out var entry))
                _conversations[conversation] = entry = new Entry();
            while (entry.Slots.Count <= seq)
                entry.Slots.Add(0);
            var slot = entry.Slots[(int)seq];
            if (live)
            {
                Live++;
                if ((slot & LiveFlag) != 0)
                    LiveDuplicates++;
                if (entry.Connection == _connection)
                {
                    if (seq < entry.LastLive)
                        OutOfOrder++;
                    entry.LastLive = Math.Max(entry.LastLive, seq);
                }
                else
                {
                    entry.Connection = _connection;
                    entry.LastLive = seq;
                }
            }
            else
            {
                CaughtUp++;
            }
            if (slot != 0 && (slot & ~LiveFlag) != hash)
                MismatchedIds++;
            entry.Slots[(int)seq] = hash | (live ? LiveFlag : slot & LiveFlag);
            entry.Highest = Math.Max(entry.Highest, seq);
        }
    }

    /// <summary>A non-zero 30-bit hash of the id (FNV-1a), enough to tell a different message at the same seq.</summary>
    private static int Hash(string id)
    {
        var h = 2166136261u;
        foreach (var c in id)
            h = (h ^ c) * 16777619u;
        return (int)(h & (LiveFlag - 1)) | 1;
    }

    private sealed class Entry
    {
        public List<int> Slots { get; } = [];

        public long Highest { get; set; }

        public long LastLive { get; set; }

        public int Connection { get; set; } = -1;
    }
}
