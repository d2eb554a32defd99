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
        foreach (var channel in m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (IrcServerInfo.Room(channel) is not { } room)
            {
                s.Numeric(IrcNumerics.NoSuchChannel, channel, $"No such channel: a channel is '#' then {Core.Model.Names.Rule}");
                continue;
            }
            // Already in it: IRC ignores the JOIN.
            if (joined.Contains(room, StringComparer.OrdinalIgnoreCase))
                continue;
            var result = await s.Hub.JoinAsync(s, room).ConfigureAwait(false);
            // Joining a channel that does not exist makes it, as on any IRC network.
            if (result.Error?.Code == ErrorCodes.NoSuchRoom)
            {
                result = await s.Hub.CreateRoomAsync(s, room, topic: null).ConfigureAwait(false);
                if (result.Error?.Code == ErrorCodes.RoomExists)
                    result = await s.Hub.JoinAsync(s, room).ConfigureAwait(false);
            }
            if (!result.Ok)
            {
                IrcErrors.Reply(s, result.Error!, m.Command, channel);
                continue;
            }
            var value = result.Value!;
            // "JOIN #a,#A" names it twice: the second is a join of a channel already joined.
            joined.Add(value.Room);
            await SendJoinedAsync(s, value.Room, value.Topic, value.Members).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What a client sees on joining: its own JOIN, the topic if there is one, the names, then the
    /// channel's latest messages (setting IrcJoinHistory) with their original time tags.
    /// </summary>
    private static async Task SendJoinedAsync(IrcSession s, string room, string topic, IReadOnlyList<MemberInfo> members)
    {
        var channel = IrcServerInfo.Channel(room);
        s.Send(new IrcMessage(IrcServerInfo.Source(s.Nick), "JOIN", channel));
        if (topic.Length > 0)
            s.Numeric(IrcNumerics.Topic, channel, topic);
        SendNames(s, channel, members);
        if (s.Info.JoinHistory <= 0)
            return;
        var history = await s.Hub.HistoryAsync(s, room, withName: null, beforeSeq: null, s.Info.JoinHistory).ConfigureAwait(false);
        var messages = history.Value?.Messages ?? [];
        // Newest first from the store; a client shows them oldest first.
        foreach (var message in messages.Reverse())
            s.Send(IrcEventEncoder.Message(message));
        if (messages.Count > 0)
            s.Replayed(room, messages[0].Seq);
    }

    /// <summary>353 lines cut to fit in 512 bytes, then 366. Every member is listed, online or not: membership is kept while offline.</summary>
    private static void SendNames(IrcSession s, string channel, IReadOnlyList<MemberInfo> members)
    {
        var budget = IrcCodec.MaxLineBytes - 2 - $":{s.Info.ServerName} {IrcNumerics.NamReply} {s.Nick} = {channel} :".Length;
        var line = new List<string>();
        var length = 0;
        foreach (var member in members)
        {
            if (line.Count > 0 && length + 1 + member.User.Length > budget)
            {
                s.Numeric(IrcNumerics.NamReply, "=", channel, string.Join(' ', line));
                line.Clear();
                length = 0;
            }
            length += (line.Count > 0 ? 1 : 0) + member.User.Length;
            line.Add(member.User);
        }
        if (line.Count > 0)
            s.Numeric(IrcNumerics.NamReply, "=", channel, string.Join(' ', line));
        s.Numeric(IrcNumerics.EndOfNames, channel, "End of /NAMES list");
    }

    private static async Task Part(IrcSession s, IrcMessage m)
    {
        foreach (var channel in m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
            await PartOne(s, channel).ConfigureAwait(false);
    }

    private static async Task PartOne(IrcSession s, string channel)
    {
        if (IrcServerInfo.Room(channel) is not { } room)
        {
            s.Numeric(IrcNumerics.NoSuchChannel, channel, "No such channel");
            return;
        }
        var left = await s.Hub.LeaveAsync(s, room).ConfigureAwait(false);
        if (!left.Ok)
            IrcErrors.Reply(s, left.Error!, "PART", channel);
        else
            s.Send(new IrcMessage(IrcServerInfo.Source(s.Nick), "PART", IrcServerInfo.Channel(left.Value!)));
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
                s.Numeric(IrcNumerics.Topic, name, summary.Topic);
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
        foreach (var channel in m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var members = IrcServerInfo.Room(channel) is { } room ? s.Hub.Members(room) : default;
            if (members.Ok && members.Value is { } list)
                SendNames(s, IrcServerInfo.Channel(FindRoom(s, channel[1..])?.Name ?? channel[1..]), list);
            else
                s.Numeric(IrcNumerics.EndOfNames, channel, "End of /NAMES list");
        }
        return Task.CompletedTask;
    }

    private static Task List(IrcSession s, IrcMessage m)
    {
        var wanted = m.Params.Count > 0 ? m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries) : null;
        s.Numeric(IrcNumerics.ListStart, "Channel", "Users  Name");
        foreach (var room in s.Hub.Rooms(s).Value!)
        {
            var channel = IrcServerInfo.Channel(room.Name);
            if (wanted is null || wanted.Contains(channel, StringComparer.OrdinalIgnoreCase))
                s.Numeric(IrcNumerics.List, channel, room.Members.ToString(System.Globalization.CultureInfo.InvariantCulture), room.Topic);
        }
        s.Numeric(IrcNumerics.ListEnd, "End of /LIST");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Modes are read-only: channels are +n (only members speak), users have none. Changes are
    /// refused. A comma list of channels gets one answer per channel, each with its own end
    /// numeric: irssi asks "MODE #a,#b" and "MODE #a,#b b" so after joining several channels
    /// (its -querychans setting) and counts one reply per channel.
    /// </summary>
    private static Task Mode(IrcSession s, IrcMessage m)
    {
        var target = m.Params[0];
        if (target.StartsWith('#'))
        {
            foreach (var channel in target.Split(',', StringSplitOptions.RemoveEmptyEntries))
                ChannelMode(s, m, channel);
        }
        else if (!string.Equals(target, s.Nick, StringComparison.OrdinalIgnoreCase))
        {
            s.Numeric(IrcNumerics.UsersDontMatch, "Can't change mode for other users");
        }
        else
        {
            s.Numeric(IrcNumerics.UModeIs, "+");
        }
        return Task.CompletedTask;
    }

    private static void ChannelMode(IrcSession s, IrcMessage m, string channel)
    {
        if (IrcServerInfo.Room(channel) is not { } room || FindRoom(s, room) is not { } summary)
            s.Numeric(IrcNumerics.NoSuchChannel, channel, "No such channel");
        else if (m.Params.Count == 1)
            s.Numeric(IrcNumerics.ChannelModeIs, IrcServerInfo.Channel(summary.Name), "+n");
        else if (m.Params[1].TrimStart('+') == "b")
            s.Numeric(IrcNumerics.EndOfBanList, IrcServerInfo.Channel(summary.Name), "End of channel ban list");
        else
            s.Numeric(IrcNumerics.ChanOPrivsNeeded, IrcServerInfo.Channel(summary.Name), "Parley channels have no modes to change");
    }

    private static List<string> JoinedRooms(IrcSession s) =>
        s.Hub.Rooms(s).Value!.Where(r => r.Joined).Select(r => r.Name).ToList();

    private static RoomSummary? FindRoom(IrcSession s, string room) =>
        s.Hub.Rooms(s).Value!.FirstOrDefault(r => string.Equals(r.Name, room, StringComparison.OrdinalIgnoreCase));
}
