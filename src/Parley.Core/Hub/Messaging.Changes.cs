using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// What is done to a message once sent: edit, recall, react. The store applies each change in
/// one step and numbers it (<see cref="MessageState.Rev"/>); the conversation's sessions, here and
/// on other nodes, hear the message as it is after.
/// </summary>
internal sealed partial class Messaging
{
    // The last change number told of each message changed lately on this node: another node's
    // change is read from the store as it is by then, so two of them can read the same state,
    // and that state is told once. Forgotten wholesale past a bound; a client keeps the higher rev anyway.
    private readonly ConcurrentDictionary<(string Conversation, long Seq), long> _toldRevs = new();
    private const int ToldRevsBound = 10_000;

    /// <summary>The author replaces a message's text, within <see cref="Policy.ChatLimits.EditWindow"/> of sending it.</summary>
    public async Task<Result<StoredMessage>> EditAsync(Session session, string? roomName, string? withName, long seq, string text)
    {
        if (CheckText(text) is { } bad)
            return bad;
        var target = await ChangeTargetAsync(session, roomName, withName, seq).ConfigureAwait(false);
        if (!target.Ok)
            return target.Error!;
        var (message, room) = target.Value;
        if (!await IsAuthorAsync(session, message).ConfigureAwait(false))
            return Error(ErrorCodes.NotAuthor, "only its author edits a message");
        var now = Timestamps.Now(_time);
        if (now - message.Timestamp > _limits.EditWindow)
            return Error(ErrorCodes.TooLate, $"a message can be edited for {Minutes(_limits.EditWindow)} after it was sent");
        // The new text calls whom it calls; the old one's mentions go with it.
        var (mentions, all) = room is not null ? MentionsIn(text, room, session) : MentionsIn(text, message.From, message.To!);
        return await ChangeAsync(session, room, message, new EditChange(text, now, mentions, all), MessageChangeKind.Edit).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a message back: its author within <see cref="Policy.ChatLimits.RecallWindow"/>, a
    /// room's admins any time. Its text is gone from the store; a tombstone keeps its place.
    /// </summary>
    /// <param name="reason">Why, when the client said (IRC's REDACT): told with the recall, on every node, and not stored.</param>
    public async Task<Result<StoredMessage>> RecallAsync(Session session, string? roomName, string? withName, long seq, string? reason = null)
    {
        // Taking one's own message back needs no leave of the other user of a DM, who may block this one.
        var target = await ChangeTargetAsync(session, roomName, withName, seq, blockedRefuses: false).ConfigureAwait(false);
        if (!target.Ok)
            return target.Error!;
        var (message, room) = target.Value;
        var moderator = room is not null && _rooms.OutranksAuthor(room, session, message.From);
        if (!moderator)
        {
            if (!await IsAuthorAsync(session, message).ConfigureAwait(false))
                return Error(ErrorCodes.NotAuthor, room is null ? "only its author recalls a message" : "only its author or a room admin recalls a message");
            if (Timestamps.Now(_time) - message.Timestamp > _limits.RecallWindow)
                return Error(ErrorCodes.TooLate, $"a message can be recalled for {Minutes(_limits.RecallWindow)} after it was sent");
        }
        return await ChangeAsync(session, room, message, new RecallChange(session.User!), MessageChangeKind.Recall, reason: reason).ConfigureAwait(false);
    }

    /// <summary>A member adds (<paramref name="on"/>) or takes back an emoji reaction to a message.</summary>
    public async Task<Result<StoredMessage>> ReactAsync(Session session, string? roomName, string? withName, long seq, string emoji, bool on)
    {
        if (!IsEmoji(emoji))
            return Error(ErrorCodes.BadEmoji, "a reaction is a single emoji");
        var target = await ChangeTargetAsync(session, roomName, withName, seq).ConfigureAwait(false);
        if (!target.Ok)
            return target.Error!;
        var (message, room) = target.Value;
        var change = new ReactChange(session.User!, emoji, on, _limits.MaxReactionEmojis);
        var result = await ChangeAsync(session, room, message, change, MessageChangeKind.React, unchangedIsFine: true).ConfigureAwait(false);
        // Unchanged because the message has every emoji it may: a new one is refused.
        if (result.Ok && on && !HasReacted(result.Value!, session.User!, emoji))
            return Error(ErrorCodes.TooManyReactions, $"a message carries at most {_limits.MaxReactionEmojis} different reactions");
        return result;
    }

    /// <summary>The changes made in a conversation after change number <paramref name="afterRev"/>: each changed message as it is now, in the order of its last change.</summary>
    public async Task<Result<ChangesPage>> ChangesAsync(Session session, string? roomName, string? withName, long afterRev, int? limit)
    {
        var conversation = await ConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        if (!conversation.Ok)
            return conversation.Error!;
        var count = Math.Clamp(limit ?? _limits.HistoryDefault, 1, _limits.HistoryMax);
        return await _store.ChangesAfterAsync(conversation.Value!, afterRev, count).ConfigureAwait(false);
    }

    /// <summary>Another node changed a message: read it as it is now and tell this node's sessions of its conversation.</summary>
    public async Task ApplyRemoteAsync(MessageChanged changed)
    {
        StoredMessage? message;
        try
        {
            message = await _store.FindMessageAsync(changed.Conversation, changed.Seq).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Clients that missed it see the change when they next catch up (changes, history).
            _cluster.Report(changed, ex);
            return;
        }
        if (message?.State is null)
            return;
        var room = changed.Room is null ? null : _rooms.FindRoom(changed.Room);
        if (changed.Room is not null && room is null)
            return;
        DeliverChange(room, new MessageChangedEvent(message, changed.Kind, changed.By, changed.Emoji, changed.On, changed.Reason), origin: null);
    }

    /// <summary>The stored message a change names, and its room (null for a DM), if the session may change things there.</summary>
    private async Task<Result<(StoredMessage Message, RoomState? Room)>> ChangeTargetAsync(Session session, string? roomName, string? withName, long seq,
        bool blockedRefuses = true)
    {
        // What a guest says is not kept as its own: nothing of a guest is stored to hold it to.
        if (session.IsGuest)
            return GuestNotAllowed("edit, recall or react to messages");
        var conversation = await ConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        if (!conversation.Ok)
            return conversation.Error!;
        RoomState? room = null;
        if (roomName is not null)
        {
            room = _rooms.FindRoom(roomName)!;
            // A muted member changes nothing, as it says nothing.
            if (RoomDirectory.SendRefusal(room, session, _time) is { } refused)
                return refused;
        }
        else if (blockedRefuses && await _store.BlocksAsync(Names.Key(withName!), session.UserKey!).ConfigureAwait(false))
        {
            return People.Blocked(withName!);
        }
        // A system line is the server's; a message recalled or removed by the operator has no text left to change.
        if (await _store.FindMessageAsync(conversation.Value!, seq).ConfigureAwait(false) is not { IsSystem: false, IsGone: false } message)
            return Error(ErrorCodes.NoSuchMessage, $"there is no message {seq} to change there");
        return (message, room);
    }

    private async Task<Result<StoredMessage>> ChangeAsync(Session session, RoomState? room, StoredMessage message, MessageChange change,
        MessageChangeKind kind, bool unchangedIsFine = false, string? reason = null)
    {
        if (await _store.ChangeMessageAsync(message.Conversation, message.Seq, change).ConfigureAwait(false) is not { } changed)
            return Error(ErrorCodes.NoSuchMessage, $"there is no message {message.Seq} to change there");
        if (!changed.Changed)
        {
            // Recalled or removed meanwhile; or a reaction already so.
            return unchangedIsFine && !changed.Message.IsGone
                ? changed.Message
                : Error(ErrorCodes.NoSuchMessage, $"message {message.Seq} was recalled or removed");
        }
        var (emoji, on) = change is ReactChange react ? (react.Emoji, react.On) : (null, false);
        DeliverChange(room, new MessageChangedEvent(changed.Message, kind, session.User!, emoji, on, reason), origin: session);
        await _cluster.PublishAsync(new MessageChanged(message.Conversation, room?.Name, message.Seq, kind, session.User!, emoji, on, reason)).ConfigureAwait(false);
        return changed.Message;
    }

    /// <summary>A change to those its message was told to: the room's sessions, or both users' of a DM; not the session that made it (its reply says).</summary>
    private void DeliverChange(RoomState? room, MessageChangedEvent change, Session? origin)
    {
        if (!FirstToTell(change.Message))
            return;
        if (room is not null)
        {
            Fanout.Deliver(change, room.Sessions, except: origin);
            return;
        }
        DeliverToBoth(new Broadcast(change), change.Message.From, change.Message.To!, origin);
    }

    /// <summary>Whether this state of the message is newer than any told of it here (and records it).</summary>
    private bool FirstToTell(StoredMessage message)
    {
        var key = (message.Conversation, message.Seq);
        var rev = message.State!.Rev;
        if (_toldRevs.Count > ToldRevsBound)
            _toldRevs.Clear();
        while (true)
        {
            if (!_toldRevs.TryGetValue(key, out var told))
            {
                if (_toldRevs.TryAdd(key, rev))
                    return true;
                continue;
            }
            if (told >= rev)
                return false;
            if (_toldRevs.TryUpdate(key, rev, told))
                return true;
        }
    }

    /// <summary>
    /// Whether the session's user sent the message: its name, and an account that existed then.
    /// A name is free again once its IRC guest leaves, so an account registered later under it
    /// finds the guest's messages under its name, and must not own them.
    /// </summary>
    private async Task<bool> IsAuthorAsync(Session session, StoredMessage message) =>
        Names.Key(message.From) == session.UserKey
        && await _store.FindUserAsync(session.UserKey!).ConfigureAwait(false) is { } account
        && account.Created <= message.Timestamp;

    private static bool HasReacted(StoredMessage message, string user, string emoji) =>
        message.State?.Reactions.Any(r => r.Emoji == emoji && r.Users.Contains(user, StringComparer.OrdinalIgnoreCase)) ?? false;

    private static string Minutes(TimeSpan window) =>
        window.TotalMinutes >= 1 ? $"{window.TotalMinutes:0.#} minutes" : $"{window.TotalSeconds:0} seconds";

    /// <summary>
    /// One emoji: a single grapheme (a flag, a skin tone, a family joined by zero-width joiners are
    /// one) of at most 32 UTF-16 units, whose first character is a symbol, not a letter, digit,
    /// space or control character. Arbitrary strings are not reactions.
    /// </summary>
    internal static bool IsEmoji(string emoji)
    {
        if (emoji.Length is 0 or > 32 || new StringInfo(emoji).LengthInTextElements != 1)
            return false;
        if (Rune.DecodeFromUtf16(emoji, out var first, out _) != System.Buffers.OperationStatus.Done)
            return false;
        var category = Rune.GetUnicodeCategory(first);
        return category is UnicodeCategory.OtherSymbol or UnicodeCategory.MathSymbol
            || (first.Value is >= 0x1F1E6 and <= 0x1F1FF) // regional indicators: flags
            || (first.Value is '#' or '*' or (>= '0' and <= '9') && emoji.Contains('\u20E3')); // keycaps
    }
}
