using Parley.Core.Model;

namespace Parley.Protocol.Irc;

/// <summary>
/// The hub's error codes as IRC numerics, in one place. <paramref name="target"/> is the channel
/// or nick the command named; the numeric depends on the command only where IRC says so
/// (not being in a channel is 404 for a message, 442 for anything else).
/// </summary>
internal static class IrcErrors
{
    public static void Reply(IrcSession session, ChatError error, string command, string target)
    {
        var isChannel = target.StartsWith('#');
        var isMessage = command is "PRIVMSG" or "NOTICE";
        switch (error.Code)
        {
            case ErrorCodes.NoSuchRoom:
                session.Numeric(IrcNumerics.NoSuchChannel, target, "No such channel");
                break;
            case ErrorCodes.BadName when isChannel:
                session.Numeric(IrcNumerics.NoSuchChannel, target, $"No such channel: a channel is '#' then {Names.Rule}");
                break;
            case ErrorCodes.BadName:
            case ErrorCodes.NoSuchUser:
                session.Numeric(IrcNumerics.NoSuchNick, target, "No such nick/channel");
                break;
            case ErrorCodes.NotMember when isMessage:
                session.Numeric(IrcNumerics.CannotSendToChan, target, "Cannot send to channel: join it first");
                break;
            case ErrorCodes.NotMember:
                session.Numeric(IrcNumerics.NotOnChannel, target, "You're not on that channel");
                break;
            case ErrorCodes.GuestNotAllowed:
                // 477 is what many networks send an unidentified nick they will not let join or message.
                session.Numeric(IrcNumerics.NeedReggedNick, target, error.Message);
                break;
            case ErrorCodes.NotPermitted:
                session.Numeric(IrcNumerics.ChanOPrivsNeeded, target, $"You're not channel operator: {error.Message}");
                break;
            case ErrorCodes.Muted:
                session.Numeric(IrcNumerics.CannotSendToChan, target, $"Cannot send to channel: {error.Message}");
                break;
            case ErrorCodes.Banned:
                session.Numeric(IrcNumerics.BannedFromChan, target, "Cannot join channel (+b)");
                break;
            case ErrorCodes.InviteOnly:
                session.Numeric(IrcNumerics.InviteOnlyChan, target, "Cannot join channel (+i)");
                break;
            case ErrorCodes.BadKey:
                session.Numeric(IrcNumerics.BadChannelKey, target, "Cannot join channel (+k)");
                break;
            case ErrorCodes.RoomFull:
                session.Numeric(IrcNumerics.ChannelIsFull, target, "Cannot join channel (+l)");
                break;
            case ErrorCodes.EmptyText:
                session.Numeric(IrcNumerics.NoTextToSend, "No text to send");
                break;
            case ErrorCodes.RateLimited or ErrorCodes.Throttled or ErrorCodes.AddressThrottled:
                session.Numeric(IrcNumerics.TryAgain, command, error.Message);
                break;
            default:
                // Text or topic too long, storage trouble: no numeric of its own, so the generic one with the hub's words.
                session.Numeric(IrcNumerics.UnknownError, command, error.Message);
                break;
        }
    }
}
