using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>Channels: JOIN, PART, TOPIC, NAMES, LIST, MODE. A channel is a room: "#lobby" is room "lobby".</summary>
internal static partial class IrcCommands
{
    private static async Task Join(IrcSession s, IrcMessage m)
    {
        if (m.Params[0] == "0")
        {
            foreach (var room in JoinedRooms(s))
                await PartOne(s, IrcServerInfo.Channel(room)).ConfigureAwait(false);
            return;
        }
        s.HoldEvents();
        try
        {
            await JoinEachAsync(s, m).ConfigureAwait(false);
        }
        finally
        {
            s.ReleaseEvents();
        }
    }

    private static async Task JoinEachAsync(IrcSession s, IrcMessage m)
    {
        var joined = JoinedRooms(s);
        var keys = m.Params.Count > 1 ? m.Params[1].Split(',') : [];
        var index = -1;
        foreach (var channel in m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            index++;
            var key = index < keys.Length && keys[index].Length > 0 ? keys[index] : null;
            if (IrcServerInfo.Room(channel) is not { } room)
            {
                s.Numeric(IrcNumerics.NoSuchChannel, channel, $"No such channel: a channel is '#' then {Core.Model.Names.Rule}");
                continue;
            }
            // Already in it: IRC ignores the JOIN.
            if (joined.Contains(room, StringComparer.OrdinalIgnoreCase))
                continue;
            var result = await s.Hub.JoinAsync(s, room, key).ConfigureAwait(false);
            // Joining a channel that does not exist makes it, as on any IRC network.
            if (result.Error?.Code == ErrorCodes.NoSuchRoom)
            {
                result = await s.Hub.CreateRoomAsync(s, room, topic: null).ConfigureAwait(false);
                if (result.Error?.Code == ErrorCodes.RoomExists)
                    result = await s.Hub.JoinAsync(s, room, key).ConfigureAwait(false);
            }
            if (!result.Ok)
            {
                IrcErrors.Reply(s, result.Error!, m.Command, channel);
                continue;
            }
            var value = result.Value!;
            // "JOIN #a,#A" names it twice: the second is a join of a channel already joined.
            joined.Add(value.Room);
            await SendJoinedAsync(s, value.Room, value.Topic, s.Hub.Members(value.Room).Value ?? []).ConfigureAwait(false);
        }
    }

    /// <summary>332 with the topic, and 333 with who set it and when, if this node knows.</summary>
    private static void SendTopic(IrcSession s, string channel, string topic, TopicMark? mark)
    {
        s.Numeric(IrcNumerics.Topic, channel, topic);
        if (mark is not null)
            s.Send(new IrcMessage(s.Info.ServerName, IrcNumerics.TopicWhoTime, s.Nick, channel,
                mark.By ?? s.Info.ServerName, mark.At.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Whether history shows a message to IRC: not a system line (IRC shows the change itself), nor one whose text is gone (recalled, removed).</summary>
    private static bool ShownOnIrc(StoredMessage message) => !message.IsSystem && !message.IsGone;

    /// <summary>
    /// What a client sees on joining: its own JOIN, the topic if there is one, the names, then the
    /// channel's latest messages (setting IrcJoinHistory) with their original time tags.
    /// </summary>
    private static async Task SendJoinedAsync(IrcSession s, string room, string topic, IReadOnlyList<MemberInfo> members)
    {
        var channel = IrcServerInfo.Channel(room);
        s.Send(new IrcMessage(IrcServerInfo.Source(s.Nick), "JOIN", channel));
        if (topic.Length > 0)
            SendTopic(s, channel, topic, FindRoom(s, room)?.TopicMark);
        // read-marker: the channel's read marker goes before the end of the names.
        SendNames(s, room, members, s.Caps.HasFlag(IrcCaps.ReadMarker) ? await ReadMarkerLineAsync(s, channel).ConfigureAwait(false) : null);
        if (s.Info.JoinHistory <= 0)
            return;
        var history = await s.Hub.HistoryAsync(s, room, withName: null, beforeSeq: null, s.Info.JoinHistory).ConfigureAwait(false);
        var messages = history.Value?.Messages ?? [];
        // Newest first from the store; a client shows them oldest first.
        foreach (var message in await WithReplyIdsAsync(s, room, null, messages.Reverse().Where(ShownOnIrc).ToList()).ConfigureAwait(false))
            s.Send(IrcEventEncoder.Message(message, s.Info.Attachments));
        if (messages.Count > 0)
            s.Replayed(room, messages[0].Seq);
    }

    /// <summary>
    /// 353 lines cut to fit in 512 bytes, then 366. Every member is listed, online or not
    /// (membership is kept while offline), with its role's prefix ('@', '+'), and with
    /// userhost-in-names as nick!user@host. A secret room is '@', others '='.
    /// </summary>
    private static void SendNames(IrcSession s, string room, IReadOnlyList<MemberInfo> members, IrcMessage? beforeEnd = null, bool end = true)
    {
        var channel = IrcServerInfo.Channel(room);
        var moderation = s.Hub.Moderation(room).Value ?? RoomModeration.Default;
        var kind = moderation.Secret ? "@" : "=";
        var budget = IrcCodec.MaxLineBytes - 2 - $":{s.Info.ServerName} {IrcNumerics.NamReply} {s.Nick} {kind} {channel} :".Length;
        var line = new List<string>();
        var length = 0;
        var full = s.Caps.HasFlag(IrcCaps.UserhostInNames);
        foreach (var member in members)
        {
            var role = moderation.Roles.GetValueOrDefault(Core.Model.Names.Key(member.User));
            var entry = IrcModes.PrefixOf(role) + (full ? IrcServerInfo.Source(member.User) : member.User);
            if (line.Count > 0 && length + 1 + entry.Length > budget)
            {
                s.Numeric(IrcNumerics.NamReply, kind, channel, string.Join(' ', line));
                line.Clear();
                length = 0;
            }
            length += (line.Count > 0 ? 1 : 0) + entry.Length;
            line.Add(entry);
        }
        if (line.Count > 0)
            s.Numeric(IrcNumerics.NamReply, kind, channel, string.Join(' ', line));
        if (beforeEnd is not null)
            s.Send(beforeEnd);
        if (end)
            s.Numeric(IrcNumerics.EndOfNames, channel, "End of /NAMES list");
    }

    private static async Task Part(IrcSession s, IrcMessage m)
    {
        var reason = m.Params.Count > 1 && m.Params[1].Length > 0 ? m.Params[1] : null;
        foreach (var channel in m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
            await PartOne(s, channel, reason).ConfigureAwait(false);
    }

    private static async Task PartOne(IrcSession s, string channel, string? reason = null)
    {
        if (IrcServerInfo.Room(channel) is not { } room)
        {
            s.Numeric(IrcNumerics.NoSuchChannel, channel, "No such channel");
            return;
        }
        var left = await s.Hub.LeaveAsync(s, room, reason).ConfigureAwait(false);
        if (!left.Ok)
            IrcErrors.Reply(s, left.Error!, "PART", channel);
        else if (reason is null)
            s.Send(new IrcMessage(IrcServerInfo.Source(s.Nick), "PART", IrcServerInfo.Channel(left.Value!)));
        else
            s.Send(new IrcMessage(IrcServerInfo.Source(s.Nick), "PART", IrcServerInfo.Channel(left.Value!), reason) { Trailing = true });
    }

    private static async Task Topic(IrcSession s, IrcMessage m)
    {
        var channel = m.Params[0];
        if (IrcServerInfo.Room(channel) is not { } room || FindRoom(s, room) is not { } summary)
        {
            s.Numeric(IrcNumerics.NoSuchChannel, channel, "No such channel");
            return;
        }
        var name = IrcServerInfo.Channel(summary.Name);
        if (m.Params.Count == 1)
        {
            if (summary.Topic.Length > 0)
                SendTopic(s, name, summary.Topic, summary.TopicMark);
            else
                s.Numeric(IrcNumerics.NoTopic, name, "No topic is set");
            return;
        }
        var topic = m.Params[1];
        var set = await s.Hub.SetTopicAsync(s, summary.Name, topic).ConfigureAwait(false);
        if (!set.Ok)
            IrcErrors.Reply(s, set.Error!, m.Command, channel);
        else
            s.Send(new IrcMessage(IrcServerInfo.Source(s.Nick), "TOPIC", name, topic) { Trailing = true });
    }

    private static Task Names(IrcSession s, IrcMessage m)
    {
        if (m.Params.Count == 0)
        {
            s.Numeric(IrcNumerics.EndOfNames, "*", "End of /NAMES list");
            return Task.CompletedTask;
        }
        // Each channel's 353s, then one 366 naming what was asked (RFC 2812's form for a comma list).
        foreach (var channel in m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var members = IrcServerInfo.Room(channel) is { } room ? s.Hub.Members(room) : default;
            // The hub's room list leaves out secret rooms for non-members, and so their names.
            var summary = FindRoom(s, channel.Length > 1 ? channel[1..] : channel);
            if (members.Ok && members.Value is { } list && summary is { } found)
                SendNames(s, found.Name, list, end: false);
        }
        s.Numeric(IrcNumerics.EndOfNames, m.Params[0], "End of /NAMES list");
        return Task.CompletedTask;
    }

    /// <summary>LIST the rooms this user may see that <see cref="IrcListFilter"/> lets through.</summary>
    private static Task List(IrcSession s, IrcMessage m)
    {
        var filter = IrcListFilter.Parse(m.Params.Count > 0 ? m.Params[0] : null);
        var now = s.Time.GetUtcNow();
        s.Numeric(IrcNumerics.ListStart, "Channel", "Users  Name");
        foreach (var room in s.Hub.Rooms(s).Value!)
        {
            if (filter.Matches(room, now))
                s.Numeric(IrcNumerics.List, IrcServerInfo.Channel(room.Name), room.Members.ToString(System.Globalization.CultureInfo.InvariantCulture), room.Topic);
        }
        s.Numeric(IrcNumerics.ListEnd, "End of /LIST");
        return Task.CompletedTask;
    }

    private static List<string> JoinedRooms(IrcSession s) =>
        s.Hub.Rooms(s).Value!.Where(r => r.Joined).Select(r => r.Name).ToList();

    private static RoomSummary? FindRoom(IrcSession s, string room) =>
        s.Hub.Rooms(s).Value!.FirstOrDefault(r => string.Equals(r.Name, room, StringComparison.OrdinalIgnoreCase));
}
