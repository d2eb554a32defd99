using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>Messages and people: PRIVMSG, NOTICE, WHO, WHOIS, AWAY.</summary>
internal static partial class IrcCommands
{
    /// <summary>The most targets a PRIVMSG, NOTICE or TAGMSG reaches (ISUPPORT TARGMAX); the rest are dropped.</summary>
    private const int MaxMessageTargets = 4;

    /// <summary>
    /// To a channel or a nick (a direct message), several targets allowed. NOTICE is a message
    /// too, delivered live to IRC clients as a NOTICE (history keeps it as a plain message), and
    /// never gets an error reply, as IRC requires. A <c>+reply</c> (or <c>+draft/reply</c>) naming
    /// a message of the target's conversation makes it a reply there, as the native <c>replyTo</c>
    /// (stored, and shown to everyone); one naming no such message stays a client-only tag, relayed
    /// live as any other, and the message is sent as no reply.
    /// </summary>
    private static async Task Privmsg(IrcSession s, IrcMessage m)
    {
        var notice = m.Command == "NOTICE";
        if (m.Params.Count == 0)
        {
            if (!notice)
                s.Numeric(IrcNumerics.NoRecipient, $"No recipient given ({m.Command})");
            return;
        }
        // Text that shows nothing (only spaces or zero-width padding) is treated as no text:
        // dropped before it reaches the hub, with the same 412 as an empty PRIVMSG.
        if (m.Params.Count == 1 || BlankText.IsBlank(m.Params[1]))
        {
            if (!notice)
                s.Numeric(IrcNumerics.NoTextToSend, "No text to send");
            return;
        }
        var text = m.Params[1];
        var live = LiveExtras.Of(ClientTags(m), notice, s.IsBot);
        var replyId = ReplyTag(m);
        foreach (var target in m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Take(MaxMessageTargets))
        {
            // A reply the server knows carries its reply tags from the stored message (IrcEventEncoder), not from the client's.
            var replyTo = replyId is null ? null : await RepliedSeqAsync(s, target, replyId).ConfigureAwait(false);
            var extras = replyTo is null ? live : LiveExtras.Of(ClientTags(m, withoutReply: true), notice, s.IsBot);
            var sent = target.StartsWith('#')
                ? await s.Hub.SendToRoomAsync(s, target[1..], text, extras, replyTo).ConfigureAwait(false)
                : await s.Hub.SendDirectAsync(s, target, text, extras, replyTo).ConfigureAwait(false);
            if (!sent.Ok)
            {
                if (!notice)
                    IrcErrors.Reply(s, sent.Error!, m.Command, target);
                continue;
            }
            if (!target.StartsWith('#') && s.Hub.AwayOf(target) is { } away && !notice)
                s.Numeric(IrcNumerics.Away, sent.Value!.To!, away);
            // The hub delivers to everyone but the sending session: a message to oneself reaches
            // this connection as its recipient here, and echo-message asks for the sender's copy
            // too (the one a labeled PRIVMSG labels).
            var encoded = s.Encoder.Encode(new MessageEvent(sent.Value!));
            if (!target.StartsWith('#') && string.Equals(sent.Value!.To, s.User, StringComparison.OrdinalIgnoreCase))
                s.Deliver(encoded);
            if (s.Caps.HasFlag(IrcCaps.EchoMessage))
                s.Send(encoded);
        }
    }

    /// <summary>
    /// TAGMSG target: the client-only tags alone (typing, reactions), to a channel's members or a
    /// user online, never stored; only clients with message-tags receive it (echo-message: the sender too).
    /// </summary>
    private static async Task TagMsg(IrcSession s, IrcMessage m)
    {
        if (ClientTags(m) is not { } clientTags)
            return;
        foreach (var target in m.Params[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Take(MaxMessageTargets))
        {
            var signal = target.StartsWith('#')
                ? await s.Hub.SignalAsync(s, target[1..], toName: null, clientTags).ConfigureAwait(false)
                : await s.Hub.SignalAsync(s, roomName: null, target, clientTags).ConfigureAwait(false);
            if (!signal.Ok)
            {
                IrcErrors.Reply(s, signal.Error!, m.Command, target);
                continue;
            }
            // As for PRIVMSG: to oneself it reaches this connection as the recipient, and the echo is the sender's copy.
            var encoded = s.Encoder.Encode(signal.Value!);
            if (signal.Value!.To is { } to && string.Equals(to, s.User, StringComparison.OrdinalIgnoreCase) && s.Caps.HasFlag(IrcCaps.MessageTags))
                s.Deliver(encoded);
            if (s.Caps.HasFlag(IrcCaps.EchoMessage) && s.Caps.HasFlag(IrcCaps.MessageTags))
                s.Send(encoded);
        }
    }

    /// <summary>A message's client-only tags ('+' names) in their wire form, for the hub to relay (but the reply tags, if asked); null when it has none.</summary>
    private static string? ClientTags(IrcMessage m, bool withoutReply = false)
    {
        var tags = m.Tags.Where(t => t.Key.Length > 1 && t.Key[0] == '+' && !(withoutReply && IrcEventEncoder.IsReplyTag(t.Key)))
            .Select(t => t.Value.Length == 0 ? t.Key : $"{t.Key}={IrcCodec.EscapeTagValue(t.Value)}")
            .ToList();
        return tags.Count == 0 ? null : string.Join(';', tags);
    }

    /// <summary>The user's name as spelled by the account, if the user is online on any node.</summary>
    private static string? OnlineName(IrcSession s, string nick) => s.Hub.OnlineName(nick);

    /// <summary>
    /// What IRC shows of a user: an account's user name is its name (signed in, so verified); a
    /// guest's is what USER gave, with '~' (unverified). The real name is the user's last SETNAME
    /// or else USER's when the user is connected by IRC here, its name otherwise.
    /// </summary>
    private static (string Ident, string RealName, bool Oper, bool Invisible) Describe(IrcSession s, string user)
    {
        var irc = s.Hub.LocalSessions(user).OfType<IrcSession>().FirstOrDefault();
        return irc is null ? (user, s.Hub.RealNameOf(user) ?? user, false, false) : (irc.IsGuest ? irc.Ident ?? user : user, s.Hub.RealNameOf(user) ?? irc.RealName ?? user, irc.IsOperator, irc.Invisible);
    }

    /// <summary>
    /// AWAY :message marks the user away (others see it in WHO, WHOIS, a 301 when they message
    /// it, and by away-notify); AWAY alone marks it back.
    /// </summary>
    private static async Task Away(IrcSession s, IrcMessage m)
    {
        var message = m.Params.Count > 0 && m.Params[0].Length > 0 ? m.Params[0] : null;
        await s.Hub.SetAwayAsync(s, message).ConfigureAwait(false);
        if (message is not null)
            s.Numeric(IrcNumerics.NowAway, "You have been marked as being away");
        else
            s.Numeric(IrcNumerics.UnAway, "You are no longer marked as being away");
    }

    /// <summary>USERHOST nick…: nick[*]=(+|-)user@host, '*' for an operator, '-' when away.</summary>
    private static Task UserHost(IrcSession s, IrcMessage m)
    {
        var replies = new List<string>();
        foreach (var nick in m.Params.Take(5))
        {
            if (OnlineName(s, nick) is not { } user)
                continue;
            var who = Describe(s, user);
            replies.Add($"{user}{(who.Oper ? "*" : "")}={(s.Hub.AwayOf(user) is null ? '+' : '-')}{who.Ident}@{IrcServerInfo.UserHost}");
        }
        s.Numeric(IrcNumerics.UserHost, string.Join(' ', replies));
        return Task.CompletedTask;
    }
}
