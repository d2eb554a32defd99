using System.Globalization;
using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Protocol.Irc;

/// <summary>
/// draft/read-marker: <c>MARKREAD target [timestamp=…]</c> gets or moves how far the user has read
/// a channel or a direct conversation. An account's marker is Parley's read position (the store's
/// <see cref="ReadMark"/>, shared with the native and web clients); where Parley stores none (a
/// guest, a transient channel, a nick that is not an account) it lives in the connection's memory.
/// </summary>
internal static partial class IrcCommands
{
    private static async Task MarkRead(IrcSession s, IrcMessage m)
    {
        if (m.Params.Count == 0 || m.Params[0].Length == 0)
        {
            s.FailReply("MARKREAD", "NEED_MORE_PARAMS", "Missing target");
            return;
        }
        var target = m.Params[0];
        // Sent as a trailing parameter, a target may hold a space or start with ':'. No channel or
        // nick does, and the reply could not echo it (found by the IrcSession property test).
        if (target[0] == ':' || target.Contains(' '))
        {
            s.FailReply("MARKREAD", "INVALID_PARAMS", "*", "No such channel or nick");
            return;
        }
        var (room, with) = ReadTarget(target);
        if (m.Params.Count == 1)
        {
            // Anything the user may not read, or that does not exist, has no marker: '*'.
            DateTimeOffset? time = null;
            if (room is not null || with is not null)
            {
                var known = await s.Hub.ReadMarkAsync(s, room, with).ConfigureAwait(false);
                if (known.Ok)
                    time = known.Value is { } mark ? mark.Time : s.MemoryReadMark(target);
            }
            s.Send(MarkReadLine(s, target, time));
            return;
        }
        if (!m.Params[1].StartsWith("timestamp=", StringComparison.Ordinal) || ParseTimestamp(m.Params[1]["timestamp=".Length..]) is not { } at)
        {
            s.FailReply("MARKREAD", "INVALID_PARAMS", target, "The timestamp must be timestamp=YYYY-MM-DDThh:mm:ss.sssZ");
            return;
        }
        if (room is null && with is null)
        {
            s.FailReply("MARKREAD", "INVALID_PARAMS", target, "No such channel or nick");
            return;
        }
        var result = await s.Hub.MarkReadAtAsync(s, room, with, at).ConfigureAwait(false);
        if (!result.Ok)
        {
            s.FailReply("MARKREAD", "INVALID_PARAMS", target, result.Error!.Message);
            return;
        }
        s.Send(MarkReadLine(s, target, result.Value is { } stored ? stored.Time : s.MarkReadInMemory(target, at)));
    }

    /// <summary>The MARKREAD a JOIN sends before its 366: the channel's read marker, or '*'.</summary>
    private static async Task<IrcMessage> ReadMarkerLineAsync(IrcSession s, string channel)
    {
        var result = await s.Hub.ReadMarkAsync(s, IrcServerInfo.Room(channel), withName: null).ConfigureAwait(false);
        var time = result.Ok && result.Value is { } mark ? mark.Time : s.MemoryReadMark(channel);
        return MarkReadLine(s, channel, time);
    }

    internal static IrcMessage MarkReadLine(IrcSession s, string target, DateTimeOffset? time) =>
        new(s.Info.ServerName, "MARKREAD", target, time is { } t ? "timestamp=" + JsonWire.Timestamp(t) : "*");

    /// <summary>A channel names a room, anything else a user; (null, null) when neither is a valid name.</summary>
    private static (string? Room, string? With) ReadTarget(string target) =>
        target.StartsWith('#') ? (IrcServerInfo.Room(target), null) : (null, Core.Model.Names.IsValid(target) ? target : null);

    /// <summary>An IRCv3 timestamp (<c>2019-01-04T14:33:26.123Z</c>, UTC), to the millisecond, or null when it is not one.</summary>
    internal static DateTimeOffset? ParseTimestamp(string value)
    {
        if (!value.EndsWith('Z') || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return null;
        return time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
