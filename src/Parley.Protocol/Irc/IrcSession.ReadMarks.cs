using System.Collections.Concurrent;
using Parley.Core.Events;

namespace Parley.Protocol.Irc;

/// <summary>
/// read-marker state Parley does not store: a guest's markers, and an account's in transient
/// channels or with guests. They live as long as the connection, as everything of a guest does.
/// </summary>
public sealed partial class IrcSession
{
    /// <summary>The most markers a connection keeps in memory; past it, a new target's marker is answered but not kept.</summary>
    private const int MaxMemoryReadMarks = 100;

    // Made on first use: most connections never mark anything Parley does not store.
    private ConcurrentDictionary<string, DateTimeOffset>? _readMarks;

    internal DateTimeOffset? MemoryReadMark(string target) => _readMarks?.TryGetValue(target, out var time) == true ? time : null;

    /// <summary>Moves the connection's marker for <paramref name="target"/> forward (never back) and returns it.</summary>
    internal DateTimeOffset MarkReadInMemory(string target, DateTimeOffset time)
    {
        var marks = LazyInitializer.EnsureInitialized(ref _readMarks, () => new(StringComparer.OrdinalIgnoreCase));
        if (marks.Count >= MaxMemoryReadMarks && !marks.ContainsKey(target))
            return time;
        return marks.AddOrUpdate(target, time, (_, old) => old > time ? old : time);
    }

    /// <summary>The user read further on another connection: a client with read-marker hears it as MARKREAD.</summary>
    private bool WriteReadMoved(ReadEvent read)
    {
        if (!Caps.HasFlag(IrcCaps.ReadMarker) || read.Time is null)
            return true;
        var target = read.Room is { } room ? IrcServerInfo.Channel(room) : read.With!;
        return TryQueue(IrcCommands.MarkReadLine(this, target, read.Time).ToBytes());
    }
}
