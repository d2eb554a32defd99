using System.Globalization;
using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>
/// Messages named by msgid: REDACT (IRCv3 draft/message-redaction) recalls one as the native
/// <c>recall</c> does, and a PRIVMSG's <c>+reply</c> (or <c>+draft/reply</c>) makes it a reply as
/// the native <c>replyTo</c> does. A msgid is the message's id (a version 7 UUID) and is looked
/// for in the conversation the command names (<see cref="Core.Hub.ChatHub.FindMessageAsync"/>).
/// </summary>
internal static partial class IrcCommands
{
    /// <summary>
    /// <c>REDACT target msgid [reason]</c>: the author within <c>Limits:RecallWindow</c>, or a room
    /// admin who outranks the author, recalls the message. Refusals are the spec's FAIL REDACT
    /// codes; a success is answered with the REDACT itself (as ergo does, whatever the caps), and
    /// everyone else in the conversation hears of it as of any recall, with the reason (which is
    /// told, never stored).
    /// </summary>
    private static async Task Redact(IrcSession s, IrcMessage m)
    {
        var (target, msgid) = (m.Params[0], m.Params[1]);
        var reason = m.Params.Count > 2 && m.Params[2].Length > 0 ? m.Params[2] : null;
        var (room, with) = Conversation(target);
        var found = await s.Hub.FindMessageAsync(s, room, with, msgid).ConfigureAwait(false);
        if (!found.Ok)
        {
            s.FailReply("REDACT", "INVALID_TARGET", target, $"You cannot delete messages from {target}: {found.Error!.Message}");
            return;
        }
        if (found.Value is not { } message)
        {
            s.FailReply("REDACT", "UNKNOWN_MSGID", target, msgid, "This message does not exist or is too old");
            return;
        }
        var recalled = await s.Hub.RecallAsync(s, room, with, message.Seq, reason).ConfigureAwait(false);
        if (!recalled.Ok)
        {
            RedactRefused(s, recalled.Error!, target, msgid);
            return;
        }
        s.Send(s.Redactions.Encode(new MessageChangedEvent(recalled.Value!, MessageChangeKind.Recall, s.User!, Reason: reason)));
    }

    /// <summary>The hub's refusal of a recall as the spec's FAIL REDACT code.</summary>
    private static void RedactRefused(IrcSession s, ChatError error, string target, string msgid)
    {
        switch (error.Code)
        {
            case ErrorCodes.TooLate:
                var window = ((long)s.Hub.Limits.RecallWindow.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                s.FailReply("REDACT", "REDACT_WINDOW_EXPIRED", target, msgid, window, $"You can no longer delete this message: {error.Message}");
                break;
            // Recalled or removed already (its text is gone), or a system line.
            case ErrorCodes.NoSuchMessage:
                s.FailReply("REDACT", "UNKNOWN_MSGID", target, msgid, "This message does not exist or is too old");
                break;
            case ErrorCodes.NoSuchRoom or ErrorCodes.NotMember or ErrorCodes.NoSuchUser or ErrorCodes.BadName:
                s.FailReply("REDACT", "INVALID_TARGET", target, $"You cannot delete messages from {target}: {error.Message}");
                break;
            // Not the author, nor an admin who outranks it; a guest; a muted or banned member.
            default:
                s.FailReply("REDACT", "REDACT_FORBIDDEN", target, msgid, $"You are not authorised to delete this message: {error.Message}");
                break;
        }
    }

    /// <summary>The msgid a message's <c>+reply</c> (or, from older clients, <c>+draft/reply</c>) tag names; null when it has none.</summary>
    private static string? ReplyTag(IrcMessage m) =>
        m.Tags.TryGetValue("+reply", out var reply) && reply.Length > 0 ? reply
        : m.Tags.TryGetValue("+draft/reply", out var draft) && draft.Length > 0 ? draft
        : null;

    /// <summary>
    /// The seq of the message a reply names, in the conversation it is sent to; null when that
    /// conversation has no such message (or cannot be read: the send then says why).
    /// </summary>
    private static async Task<long?> RepliedSeqAsync(IrcSession s, string target, string msgid)
    {
        var (room, with) = Conversation(target);
        var found = await s.Hub.FindMessageAsync(s, room, with, msgid).ConfigureAwait(false);
        return found.Value?.Seq;
    }

    /// <summary>
    /// Stored messages with the id of the message each replies to (<see cref="StoredMessage.ReplyToId"/>),
    /// for a history replay to a client with message-tags (the others never see the tag): from the
    /// messages themselves when the parent is among them, else read once per parent.
    /// </summary>
    private static async Task<IReadOnlyList<StoredMessage>> WithReplyIdsAsync(IrcSession s, string? room, string? with, IReadOnlyList<StoredMessage> messages)
    {
        if (!s.Caps.HasFlag(IrcCaps.MessageTags) || !messages.Any(m => m.ReplyTo is not null))
            return messages;
        var ids = new Dictionary<long, string?>();
        foreach (var message in messages)
            ids[message.Seq] = message.Id;
        var completed = new List<StoredMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message.ReplyTo is not { } seq)
            {
                completed.Add(message);
                continue;
            }
            if (!ids.TryGetValue(seq, out var id))
            {
                var page = await s.Hub.HistoryAfterAsync(s, room, with, seq - 1, 1).ConfigureAwait(false);
                ids[seq] = id = page.Value?.Messages is [var parent] && parent.Seq == seq ? parent.Id : null;
            }
            completed.Add(message with { ReplyToId = id });
        }
        return completed;
    }

    /// <summary>A target as the hub names a conversation: a room for <c>#name</c>, else the other user of a DM.</summary>
    private static (string? Room, string? With) Conversation(string target) =>
        target.StartsWith('#') ? (target[1..], null) : (null, target);
}
