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
public sealed class IrcEventEncoder : IEventEncoder
{
    public int Slot => 1;

    public byte[] Encode(ChatEvent chatEvent) => chatEvent switch
    {
        MessageEvent e => Message(e.Message, e.Bot),
        // A guest's memberships ending with its connection: its QUIT has told IRC clients already.
        MembershipEvent { Quit: true } => [],
        MembershipEvent { Reason: { } reason } e => new IrcMessage(IrcServerInfo.Source(e.User), "PART", IrcServerInfo.Channel(e.Room), reason) { Trailing = true }.ToBytes(),
        MembershipEvent e => new IrcMessage(IrcServerInfo.Source(e.User), e.Joined ? "JOIN" : "PART", IrcServerInfo.Channel(e.Room)).ToBytes(),
        RenameEvent e => new IrcMessage(IrcServerInfo.Source(e.From), "NICK", e.To).ToBytes(),
        // Sent only to clients that asked for away-notify (IrcSession drops it for the others).
        AwayEvent e => (e.Message is null ? new IrcMessage(IrcServerInfo.Source(e.User), "AWAY") : new IrcMessage(IrcServerInfo.Source(e.User), "AWAY", e.Message) { Trailing = true }).ToBytes(),
        RoomChangedEvent e => IrcModes.ModeLine(IrcServerInfo.Source(e.By), IrcServerInfo.Channel(e.Room), e.Changes).ToBytes(),
        KickEvent e => new IrcMessage(IrcServerInfo.Source(e.By), "KICK", IrcServerInfo.Channel(e.Room), e.User, e.Reason) { Trailing = true }.ToBytes(),
        // To the invited user, and to the room's admins that asked for invite-notify (IrcSession drops it for the others).
        InviteEvent e => new IrcMessage(IrcServerInfo.Source(e.By), "INVITE", e.User, IrcServerInfo.Channel(e.Room)).ToBytes(),
        TopicEvent e => new IrcMessage(IrcServerInfo.Source(e.By), "TOPIC", IrcServerInfo.Channel(e.Room), e.Topic) { Trailing = true }.ToBytes(),
        // Going offline is a QUIT; coming back is a JOIN per shared channel, which differs per
        // receiver and is written by IrcSession. Read positions have no IRC form.
        PresenceEvent { Online: false } e => new IrcMessage(IrcServerInfo.Source(e.User), "QUIT", e.Reason ?? "Connection closed") { Trailing = true }.ToBytes(),
        PresenceEvent or ReadEvent => [],
        AnnouncementEvent e => new IrcMessage(IrcServerInfo.Source(e.From), "WALLOPS", e.Text) { Trailing = true }.ToBytes(),
        ByeEvent e => new IrcMessage(null, "ERROR", $"Closing link: {e.Reason}") { Trailing = true }.ToBytes(),
        _ => throw new ArgumentOutOfRangeException(nameof(chatEvent), chatEvent.GetType().Name, "no IRC form for this event"),
    };

    /// <summary>
    /// One PRIVMSG per line of text (IRC lines cannot hold a newline), each cut to fit in 512
    /// bytes; the first carries the msgid, all carry the time (first, see <see cref="IrcTags"/>) and,
    /// from a bot, the <c>bot</c> tag (bot-mode). Empty lines are left out.
    /// </summary>
    internal static byte[] Message(StoredMessage message, bool bot = false)
    {
        var source = IrcServerInfo.Source(message.From);
        var target = message.Room is not null ? IrcServerInfo.Channel(message.Room) : message.To!;
        var time = JsonWire.Timestamp(message.Timestamp);
        // ":source PRIVMSG target :" + text + CRLF must fit in 512 bytes.
        var budget = IrcCodec.MaxLineBytes - 2 - Encoding.UTF8.GetByteCount($":{source} PRIVMSG {target} :");
        var output = new StringBuilder();
        var first = true;
        foreach (var line in message.Text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var chunk in Chunks(line, budget))
            {
                output.Append("@time=").Append(time);
                if (first)
                    output.Append(";msgid=").Append(message.Id);
                if (bot)
                    output.Append(";bot");
                first = false;
                output.Append(' ').Append(new IrcMessage(source, "PRIVMSG", target, chunk) { Trailing = true }).Append("\r\n");
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
