using System.Collections.Concurrent;
using Parley.Core.Events;

namespace Parley.Protocol.Irc;

/// <summary>
/// read-marker state Parley does not store: a guest's markers, and an account's in transient
/// channels or with guests. They live as long as the connection, as everything of a guest does.
/// </summary>
public sealed partial class IrcSession
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _readMarks = new(StringComparer.OrdinalIgnoreCase);

    internal DateTimeOffset? MemoryReadMark(string target) => _readMarks.TryGetValue(target, out var time) ? time : null;

    /// <summary>Moves the connection's marker for <paramref name="target"/> forward (never back) and returns it.</summary>
    internal DateTimeOffset MarkReadInMemory(string target, DateTimeOffset time) =>
        _readMarks.AddOrUpdate(target, time, (_, old) => old > time ? old : time);

    /// <summary>The user read further on another connection: a client with read-marker hears it as MARKREAD.</summary>
    private bool WriteReadMoved(ReadEvent read)
    {
        if (!Caps.HasFlag(IrcCaps.ReadMarker) || read.Time is null)
            return true;
        var target = read.Room is { } room ? IrcServerInfo.Channel(room) : read.With!;
        return TryQueue(IrcCommands.MarkReadLine(this, target, read.Time).ToBytes());
    }

    /// <summary>An IRCv3 standard reply: <c>FAIL command CODE [context…] :description</c>.</summary>
    internal void FailReply(string command, string code, params string[] contextAndDescription) =>
        Send(new IrcMessage(Info.ServerName, "FAIL", [command, code, .. contextAndDescription]) { Trailing = true });
}
