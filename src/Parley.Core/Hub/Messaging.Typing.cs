using System.Runtime.CompilerServices;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// Typing indicators: the native <c>typing</c> op. A typing is a signal (<see cref="SignalEvent"/>)
/// with IRCv3's <c>+typing</c> client tag, so it travels as an IRC TAGMSG does: live to the room's
/// or the two users' sessions on every node, never stored; IRC clients with message-tags get it as
/// a TAGMSG, native ones as a <c>typing</c> event (and an IRC client's TAGMSG +typing reaches
/// native clients the same way).
///
/// Concurrency: each session's windows are its own, locked briefly per call (a session's requests
/// run one at a time anyway).
/// </summary>
internal sealed partial class Messaging
{
    // Per session, so the windows go with it; no change to Session needed.
    private readonly ConditionalWeakTable<Session, TypingWindows> _typing = new();

    /// <summary>
    /// Tells the room's members, or the other user, that the session's user is typing (or stopped).
    /// Who may is who may send a message there (the same refusals). At most one <c>active</c> per
    /// conversation per <see cref="ChatLimits.TypingInterval"/> is relayed (or one more after each
    /// message there), and a <c>paused</c> or
    /// <c>done</c> only after a relayed <c>active</c>; the rest are accepted and dropped. A typing
    /// to a user who is offline is accepted and goes nowhere.
    /// </summary>
    public async Task<Result<Done>> TypingAsync(Session session, string? roomName, string? toName, string state)
    {
        var now = Timestamps.Now(_time);
        var tags = TypingStates.Tag(state);
        var active = state == TypingStates.Active;
        SignalEvent signal;
        if (roomName is not null)
        {
            if (_rooms.FindRoom(roomName) is not { } room)
                return NoSuchRoom(roomName);
            if (RoomDirectory.SendRefusal(room, session, _time) is { } refused)
                return refused;
            if (!AdmitTyping(session, room.Conversation, room.Transient ? room.LiveSeq : room.Sequencer.LastDelivered, active))
                return Done.Value;
            signal = new SignalEvent(NewId(now), now, session.User!, room.Name, To: null, tags);
            Fanout.Deliver(signal, room.Sessions, except: session);
            if (room.Transient)
                return Done.Value;
        }
        else
        {
            var to = await TypingPeerAsync(session, toName!).ConfigureAwait(false);
            if (!to.Ok)
                return to.Error!;
            var conversation = ConversationKey.ForDirect(session.User!, to.Value!);
            var latest = _directSequencers.TryGetValue(conversation, out var sequencer) ? sequencer.LastDelivered : -1;
            if (!AdmitTyping(session, conversation, latest, active))
                return Done.Value;
            if (_presence.OnlineName(to.Value!) is null)
                return Done.Value;
            signal = new SignalEvent(NewId(now), now, session.User!, Room: null, to.Value!, tags);
            DeliverSignal(signal, origin: session);
        }
        await _cluster.PublishAsync(new Signaled(signal)).ConfigureAwait(false);
        return Done.Value;
    }

    /// <summary>The user a direct typing goes to, as it spells its name, if the session may send it a message (as <see cref="SendDirectAsync"/> checks).</summary>
    private async Task<Result<string>> TypingPeerAsync(Session session, string toName)
    {
        if (!Names.IsValid(toName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        var open = _limits.Guests == GuestPolicy.Open;
        if (session.IsGuest && !open)
            return GuestNotAllowed("send direct messages");
        if (open && (session.IsGuest || _presence.IsGuestOnline(toName)))
        {
            return _presence.OnlineName(toName) is { } guest
                ? guest
                : Error(ErrorCodes.NoSuchUser, $"'{toName}' is not online");
        }
        if (await _knownUsers.FindNameAsync(toName).ConfigureAwait(false) is not { } to || _knownUsers.IsDeleted(Names.Key(to)))
            return Error(ErrorCodes.NoSuchUser, $"there is no user '{toName}'");
        if (await _store.BlocksAsync(Names.Key(to), session.UserKey!).ConfigureAwait(false))
            return People.Blocked(to);
        return to;
    }

    /// <summary>
    /// Whether this typing is relayed (see <see cref="TypingAsync"/>); records it if so. A message
    /// in the conversation since the last relayed <c>active</c> (<paramref name="latestSeq"/> moved:
    /// most often the typer's own, which clears the indicator where it arrives) opens the window
    /// again, so typing the next message shows at once; messages have their own rate limit.
    /// </summary>
    private bool AdmitTyping(Session session, string conversation, long latestSeq, bool active)
    {
        var windows = _typing.GetValue(session, static _ => new TypingWindows());
        var now = _time.GetTimestamp();
        lock (windows)
        {
            windows.Last.TryGetValue(conversation, out var last);
            if (active)
            {
                if (last.Relayed && last.Seq == latestSeq && _time.GetElapsedTime(last.ActiveAt, now) < _limits.TypingInterval)
                    return false;
                if (windows.Last.Count >= TypingWindows.Prune)
                    windows.Forget(_time, now, _limits.TypingInterval);
                windows.Last[conversation] = new TypingWindow(now, latestSeq, Relayed: true, Active: true);
                return true;
            }
            if (!last.Active)
                return false;
            windows.Last[conversation] = last with { Active = false };
            return true;
        }
    }

    /// <param name="ActiveAt">When the last relayed <c>active</c> was (<see cref="TimeProvider.GetTimestamp"/>).</param>
    /// <param name="Seq">The conversation's latest delivered seq then.</param>
    /// <param name="Relayed">An <c>active</c> was relayed (else the window is empty).</param>
    /// <param name="Active">The last relayed state was <c>active</c>: a <c>paused</c> or <c>done</c> may follow.</param>
    private readonly record struct TypingWindow(long ActiveAt, long Seq, bool Relayed, bool Active);

    private sealed class TypingWindows
    {
        /// <summary>Past this many conversations, windows that have run out are forgotten.</summary>
        public const int Prune = 32;

        public readonly Dictionary<string, TypingWindow> Last = new(StringComparer.Ordinal);

        public void Forget(TimeProvider time, long now, TimeSpan interval)
        {
            foreach (var (conversation, window) in Last)
            {
                if (time.GetElapsedTime(window.ActiveAt, now) >= interval)
                    Last.Remove(conversation);
            }
        }
    }
}
