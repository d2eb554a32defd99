namespace Parley.Protocol.Irc;

/// <summary>
/// The latest IRC users who left or changed nick on this node, for WHOWAS: memory only, the
/// newest <see cref="Capacity"/> kept. Shared by every IRC session; a lock guards the list.
/// </summary>
public sealed class IrcWhoWas
{
    public const int Capacity = 1000;

    public sealed record Entry(string Nick, string Ident, string RealName, DateTimeOffset At);

    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _entries = new();

    public void Add(Entry entry)
    {
        lock (_gate)
        {
            _entries.AddFirst(entry);
            if (_entries.Count > Capacity)
                _entries.RemoveLast();
        }
    }

    /// <summary>Up to <paramref name="count"/> entries for the nick (any case), newest first.</summary>
    public IReadOnlyList<Entry> Find(string nick, int count)
    {
        lock (_gate)
            return _entries.Where(e => string.Equals(e.Nick, nick, StringComparison.OrdinalIgnoreCase)).Take(count).ToList();
    }
}
