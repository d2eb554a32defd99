using System.Text;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Protocol.Irc;

/// <summary>
/// Core events as IRC lines, CRLF included. Messages always carry <c>time</c> and <c>msgid</c>
/// tags: the bytes are shared by every IRC session, and each cuts the tags its client did not
/// ask for (<see cref="IrcTags"/>). Events IRC has no line for encode to nothing.
/// </summary>
/// <param name="info">The gateway's settings: how files are shown (<see cref="IrcServerInfo.Attachments"/>).</param>
public sealed class IrcEventEncoder(IrcServerInfo? info = null) : IEventEncoder
{
    public int Slot => 1;

    public byte[] Encode(ChatEvent chatEvent) => chatEvent switch
    {
        // IRC clients see the change itself (MODE, KICK, TOPIC), never its system line (nor in history: IrcCommands).
        MessageEvent { Message.IsSystem: true } => [],
        MessageEvent e => Message(e.Message, info?.Attachments),
        MessageChangedEvent e => Changed(e),
        // A guest's memberships ending with its connection: its QUIT has told IRC clients already.
        MembershipEvent { Quit: true } => [],
        MembershipEvent { Reason: { } reason } e => new IrcMessage(IrcServerInfo.Source(e.User), "PART", IrcServerInfo.Channel(e.Room), reason) { Trailing = true }.ToBytes(),
        MembershipEvent e => new IrcMessage(IrcServerInfo.Source(e.User), e.Joined ? "JOIN" : "PART", IrcServerInfo.Channel(e.Room)).ToBytes(),
        RenameEvent e => new IrcMessage(IrcServerInfo.Source(e.From), "NICK", e.To).ToBytes(),
        // Sent only to clients that asked for away-notify (IrcSession drops it for the others).
        AwayEvent e => (e.Message is null ? new IrcMessage(IrcServerInfo.Source(e.User), "AWAY") : new IrcMessage(IrcServerInfo.Source(e.User), "AWAY", e.Message) { Trailing = true }).ToBytes(),
        RoomChangedEvent e => IrcModes.ModeLine(IrcServerInfo.Source(e.By), IrcServerInfo.Channel(e.Room), e.Changes)?.ToBytes() ?? [],
        // A KICK of each receiver, which differs per receiver: written by IrcSession.
        RoomDeletedEvent => [],
        KickEvent e => new IrcMessage(IrcServerInfo.Source(e.By), "KICK", IrcServerInfo.Channel(e.Room), e.User, e.Reason) { Trailing = true }.ToBytes(),
        // To the invited user, and to the room's admins that asked for invite-notify (IrcSession drops it for the others).
        InviteEvent e => new IrcMessage(IrcServerInfo.Source(e.By), "INVITE", e.User, IrcServerInfo.Channel(e.Room)).ToBytes(),
        TopicEvent e => new IrcMessage(IrcServerInfo.Source(e.By), "TOPIC", IrcServerInfo.Channel(e.Room), e.Topic) { Trailing = true }.ToBytes(),
        // Going offline is a QUIT; coming back is a JOIN per shared channel, which differs per
        // receiver and is written by IrcSession. Read positions have no IRC form.
        PresenceEvent { Online: false } e => new IrcMessage(IrcServerInfo.Source(e.User), "QUIT", e.Reason ?? "Connection closed") { Trailing = true }.ToBytes(),
        PresenceEvent or ReadEvent => [],
        // Only to clients with message-tags (IrcSession drops it for the others).
        SignalEvent e => Encoding.UTF8.GetBytes(
            $"@time={JsonWire.Timestamp(e.Timestamp)};msgid={e.Id};{e.ClientTags} {new IrcMessage(IrcServerInfo.Source(e.From), "TAGMSG", e.Room is not null ? IrcServerInfo.Channel(e.Room) : e.To!)}\r\n"),
        // Sent only to clients that asked for setname (IrcSession drops it for the others).
        RealNameEvent e => new IrcMessage(IrcServerInfo.Source(e.User), "SETNAME", e.RealName) { Trailing = true }.ToBytes(),
        // A native profile's display name is the IRC real name (cleared: the login name); like
        // SETNAME, only to clients that asked for setname. Blocks and opened DMs have no IRC form.
        ProfileEvent { DisplayChanged: false } => [],
        ProfileEvent e => new IrcMessage(IrcServerInfo.Source(e.User), "SETNAME", e.Display ?? e.User) { Trailing = true }.ToBytes(),
        BlockEvent or DirectOpenedEvent => [],
        // Read receipts have no IRC form (draft/read-marker is the user's own position).
        ReceiptEvent => [],
        // A numeric addressed to its receiver: written by IrcSession.
        WatchEvent => [],
        AnnouncementEvent e => new IrcMessage(IrcServerInfo.Source(e.From), "WALLOPS", e.Text) { Trailing = true }.ToBytes(),
        ByeEvent e => new IrcMessage(null, "ERROR", $"Closing link: {e.Reason}") { Trailing = true }.ToBytes(),
        _ => throw new ArgumentOutOfRangeException(nameof(chatEvent), chatEvent.GetType().Name, "no IRC form for this event"),
    };

    /// <summary>
    /// The tags naming the message a reply answers: the ratified <c>+reply</c> and the draft name
    /// <c>+draft/reply</c> that clients written before 2026 read, both with its msgid.
    /// </summary>
    internal static string ReplyTags(string msgid) => $"+draft/reply={msgid};+reply={msgid}";

    /// <summary>Whether a client-only tag names the message replied to (<see cref="ReplyTags"/>).</summary>
    internal static bool IsReplyTag(string key) => key is "+reply" or "+draft/reply";

    /// <summary>Where a change to a message is shown: its channel, or in a query the other user of the two, as in a PRIVMSG.</summary>
    internal static string ChangeTarget(MessageChangedEvent e) =>
        e.Message.Room is not null ? IrcServerInfo.Channel(e.Message.Room)
            : string.Equals(e.By, e.Message.From, StringComparison.OrdinalIgnoreCase) ? e.Message.To! : e.Message.From;

    /// <summary>
    /// An edit or a recall as a NOTICE in the message's channel or query ("* alice edited: …"; a
    /// recall goes as REDACT instead to clients with draft/message-redaction,
    /// <see cref="IrcRedactionEncoder"/>); a reaction as IRCv3's <c>+draft/react</c> (or
    /// <c>+draft/unreact</c>) TAGMSG replying to the message's msgid, only to clients with
    /// message-tags (IrcSession drops it for the others).
    /// </summary>
    private static byte[] Changed(MessageChangedEvent e)
    {
        var message = e.Message;
        var target = ChangeTarget(e);
        var source = IrcServerInfo.Source(e.By);
        if (e.Kind == MessageChangeKind.React)
        {
            var tag = e.On ? "+draft/react" : "+draft/unreact";
            return Encoding.UTF8.GetBytes($"@{tag}={IrcCodec.EscapeTagValue(e.Emoji!)};{ReplyTags(message.Id)} {new IrcMessage(source, "TAGMSG", target)}\r\n");
        }
        var text = e.Kind == MessageChangeKind.Edit
            ? $"* {e.By} edited: {message.Text.ReplaceLineEndings(" ")}"
            : e.Reason is { Length: > 0 } reason ? $"* {e.By} recalled a message: {reason}" : $"* {e.By} recalled a message";
        // Cut as a message's lines are, so a long edit never makes a line past IRC's length.
        var budget = IrcCodec.MaxLineBytes - 2 - Encoding.UTF8.GetByteCount($"NOTICE {target} ");
        var output = new StringBuilder();
        foreach (var chunk in Chunks(text, budget))
            output.Append(new IrcMessage(source, "NOTICE", target, chunk) { Trailing = true }).Append("\r\n");
        return Encoding.UTF8.GetBytes(output.ToString());
    }

    /// <summary>
    /// One PRIVMSG (a NOTICE, if sent as one) per line of text (IRC lines cannot hold a newline);
    /// the first carries the msgid, from a bot the <c>bot</c> tag (bot-mode), for a reply whose
    /// parent's id is known (<see cref="StoredMessage.ReplyToId"/>) the reply tags
    /// (<see cref="ReplyTags"/>), and the sender's client-only tags; all carry the time (first, see
    /// <see cref="IrcTags"/>). Empty lines are left
    /// out. A line is cut where an IRC client could not have sent it in one 512-byte
    /// <c>PRIVMSG target text</c>, so what an IRC user sent arrives whole, its source prefix
    /// allowed past 512 as Modern IRC clients accept (and ergo does); longer text from native or
    /// web clients comes in pieces, never inside a character.
    /// </summary>
    /// <param name="files">Shows each file the message carries as a line of its own, after the text.</param>
    internal static byte[] Message(StoredMessage message, AttachmentText? files)
    {
        var source = IrcServerInfo.Source(message.From);
        var target = message.Room is not null ? IrcServerInfo.Channel(message.Room) : message.To!;
        var time = JsonWire.Timestamp(message.Timestamp);
        // A one-word text needs no ':' before it, so a client can send one byte more than with it.
        var command = message.Live?.Notice == true ? "NOTICE" : "PRIVMSG";
        var budget = IrcCodec.MaxLineBytes - 2 - Encoding.UTF8.GetByteCount($"{command} {target} ");
        var output = new StringBuilder();
        var first = true;
        IEnumerable<string> lines = message.Text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (message.Attachments is { } attachments)
            lines = lines.Concat(attachments.Select(a => files?.Line(a) ?? $"[{AttachmentText.Describe(a)}] {a.Name}"));
        foreach (var line in lines)
        {
            foreach (var chunk in Chunks(line, budget))
            {
                output.Append("@time=").Append(time);
                if (first)
                {
                    output.Append(";msgid=").Append(message.Id);
                    if (message.Live?.Bot == true)
                        output.Append(";bot");
                    if (message.ReplyToId is { } replied)
                        output.Append(';').Append(ReplyTags(replied));
                    if (message.Live?.ClientTags is { } clientTags)
                        output.Append(';').Append(clientTags);
                }
                first = false;
                output.Append(' ').Append(new IrcMessage(source, command, target, chunk) { Trailing = true }).Append("\r\n");
            }
        }
        return Encoding.UTF8.GetBytes(output.ToString());
    }

    /// <summary>Cuts text into pieces of at most <paramref name="maxBytes"/> UTF-8 bytes, never inside a character.</summary>
    internal static IEnumerable<string> Chunks(string text, int maxBytes)
    {
        var chunk = new StringBuilder();
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                yield return chunk.ToString();
                chunk.Clear();
                bytes = 0;
            }
            chunk.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }
        if (chunk.Length > 0)
            yield return chunk.ToString();
    }
}
