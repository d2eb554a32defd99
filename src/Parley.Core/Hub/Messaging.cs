using System.Collections.Concurrent;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// Messages: sending to a room or to a user, each conversation's <see cref="ConversationSequencer"/>
/// (rooms' are made with the room; direct conversations' here, on first use), delivery of stored
/// messages, history and read marks, and other nodes' messages and read marks. What is done to a
/// message once sent (an edit, a recall, a reaction) belongs here.
///
/// Concurrency: no hub lock: sends read rooms, members and session arrays lock-free and are ordered per conversation under its sequencer's lock.
/// </summary>
internal sealed partial class Messaging
{
    private readonly IChatStore _store;
    private readonly IBackplane _backplane;
    private readonly TimeProvider _time;
    private readonly ChatLimits _limits;
    private readonly RoomDirectory _rooms;
    private readonly PresenceRegistry _presence;
    private readonly KnownUsers _knownUsers;
    private readonly ClusterPublisher _cluster;
    private readonly SequencerFactory _sequencers;
    private readonly ConcurrentDictionary<string, ConversationSequencer> _directSequencers = new(StringComparer.Ordinal);
    private long _messagesSeen;

    public Messaging(IChatStore store, IBackplane backplane, TimeProvider time, ChatLimits limits, RoomDirectory rooms,
        PresenceRegistry presence, KnownUsers knownUsers, ClusterPublisher cluster, SequencerFactory sequencers)
    {
        _store = store;
        _backplane = backplane;
        _time = time;
        _limits = limits;
        _rooms = rooms;
        _presence = presence;
        _knownUsers = knownUsers;
        _cluster = cluster;
        _sequencers = sequencers;
    }

    /// <summary>
    /// Messages sent here or stored by other nodes since the start (refused sends not counted): how
    /// the server tells people chatting, however little they allocate, from a quiet server.
    /// </summary>
    public long MessagesSeen => Interlocked.Read(ref _messagesSeen);

    /// <summary>Stores a message to a room and, once durable, delivers it to every member's sessions but the sender's own.</summary>
    public async Task<Result<StoredMessage>> SendToRoomAsync(Session session, string roomName, string text, LiveExtras? live = null, long? replyTo = null)
    {
        var started = StartSendToRoom(session, roomName, text, live, replyTo);
        return started.Ok ? await started.Value!.ConfigureAwait(false) : started.Error!;
    }

    /// <summary>
    /// <see cref="SendToRoomAsync"/> without its async layer (one allocation less per message):
    /// checks the send and queues the message at once, and returns the task that completes once it
    /// is stored and delivered. For the native protocol's sends, the path most messages take.
    /// </summary>
    /// <param name="replyTo">The seq of the room's message this one answers.</param>
    public Result<Task<StoredMessage>> StartSendToRoom(Session session, string roomName, string text, LiveExtras? live = null, long? replyTo = null)
    {
        var prepared = PrepareRoomMessage(session, roomName, text, live, replyTo, withFiles: false);
        if (!prepared.Ok)
            return prepared.Error!;
        var (room, message) = prepared.Value;
        if (room.Transient)
            return Task.FromResult(SendLive(room, message, session));
        // Null once the room is being deleted: the send finds no room, as one a moment later would.
        if (room.Sequencer.TryAppend(_backplane, message, origin: session) is not { } stored)
            return NoSuchRoom(roomName);
        return stored;
    }

    /// <summary>The checks of a send to a room, and the message it sends (files not attached yet).</summary>
    /// <param name="withFiles">Files go with the text, which may then be blank (a picture without a caption).</param>
    private Result<(RoomState Room, NewMessage Message)> PrepareRoomMessage(Session session, string roomName, string text, LiveExtras? live, long? replyTo,
        bool withFiles)
    {
        if (CheckText(text, withFiles) is { } bad)
            return bad;
        if (_rooms.FindRoom(roomName) is not { } room)
            return NoSuchRoom(roomName);
        if (RoomDirectory.SendRefusal(room, session, _time) is { } refused)
            return refused;
        // A transient room numbers its messages itself (LiveSeq), a stored one by its sequencer.
        if (CheckReply(replyTo, room.Transient ? room.LiveSeq : room.Sequencer.LastDelivered) is { } noReply)
            return noReply;
        var (mentions, all) = MentionsIn(text, room, session);

        Interlocked.Increment(ref _messagesSeen);
        var now = Timestamps.Now(_time);
        var message = new NewMessage(NewId(now), room.Conversation, now, session.User!, room.Name, To: null, text)
        {
            Live = live, ReplyTo = replyTo, Mentions = mentions, MentionsAll = all,
        };
        return (room, message);
    }

    /// <summary>
    /// Writes a system line in a stored room's history (<see cref="NewMessage.IsSystem"/>), from
    /// the member who made the change, and delivers it to every session in the room; complete once
    /// stored. Set as the directory's <see cref="RoomDirectory.Notices"/>. The change it tells of is
    /// made already: a line the store refuses (Redis unreachable) is left out, and the change stands.
    /// </summary>
    public async Task PostNoticeAsync(RoomState room, string by, string text)
    {
        if (room.Transient)
            return;
        var now = Timestamps.Now(_time);
        var message = new NewMessage(NewId(now), room.Conversation, now, by, room.Name, To: null, text) { IsSystem = true };
        try
        {
            // Nothing once the room is being deleted.
            if (room.Sequencer.TryAppend(_backplane, message, origin: null) is { } stored)
                await stored.ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
        }
    }

    /// <summary>A transient room's message: numbered and delivered at once, never stored.</summary>
    private static StoredMessage SendLive(RoomState room, NewMessage message, Session origin)
    {
        lock (room.LiveGate)
        {
            var stored = message.WithSeq(++room.LiveSeq);
            DeliverToRoom(room, stored, origin);
            return stored;
        }
    }

    /// <summary>Stores a direct message and delivers it to the recipient's sessions and the sender's other ones.</summary>
    /// <param name="fileIds">Uploads of the sender's to send with the text (<see cref="SendFilesAsync"/>), which may then be blank.</param>
    public async Task<Result<StoredMessage>> SendDirectAsync(Session session, string toName, string text, LiveExtras? live = null, long? replyTo = null,
        IReadOnlyList<string>? fileIds = null)
    {
        if (CheckText(text, withFiles: fileIds is not null) is { } bad)
            return bad;
        if (!Names.IsValid(toName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        var open = _limits.Guests == GuestPolicy.Open;
        if (session.IsGuest && !open)
            return GuestNotAllowed("send direct messages");
        if (open && (session.IsGuest || _presence.IsGuestOnline(toName)))
        {
            return fileIds is null
                ? SendLiveDirect(session, toName, text, live)
                : Error(ErrorCodes.GuestNotAllowed, "files are sent between accounts only");
        }
        if (await _knownUsers.FindNameAsync(toName).ConfigureAwait(false) is not { } to)
        {
            return _presence.IsOnline(toName)
                ? Error(ErrorCodes.GuestNotAllowed, $"'{toName}' is a guest; guests cannot receive direct messages")
                : Error(ErrorCodes.NoSuchUser, $"there is no user '{toName}'");
        }
        if (_knownUsers.IsDeleted(Names.Key(to)))
            return Error(ErrorCodes.NoSuchUser, $"the account '{to}' was deleted");
        var me = session.User!;
        // Asked of the store each time: a block holds at once, on every node (People).
        if (await _store.BlocksAsync(Names.Key(to), session.UserKey!).ConfigureAwait(false))
            return People.Blocked(to);

        var conversation = ConversationKey.ForDirect(me, to);
        var sequencer = DirectSequencer(conversation);
        await sequencer.EnsureBaselineAsync().ConfigureAwait(false);
        if (CheckReply(replyTo, sequencer.LastDelivered) is { } noReply)
            return noReply;
        var (mentions, _) = MentionsIn(text, me, to);
        IReadOnlyList<Attachment>? attachments = null;
        if (fileIds is not null)
        {
            var claimed = await ClaimFilesAsync(session, fileIds, conversation).ConfigureAwait(false);
            if (!claimed.Ok)
                return claimed.Error!;
            attachments = claimed.Value;
        }
        Interlocked.Increment(ref _messagesSeen);
        var now = Timestamps.Now(_time);
        var message = new NewMessage(NewId(now), conversation, now, me, Room: null, to, text)
        {
            Live = live, ReplyTo = replyTo, Mentions = mentions, Attachments = attachments,
        };
        var append = sequencer.AppendAsync(_backplane, message, origin: session);
        return fileIds is null ? await append.ConfigureAwait(false) : await UnclaimIfNotStoredAsync(append, fileIds, conversation).ConfigureAwait(false);
    }

    /// <summary>
    /// A direct message from or to an open guest: delivered live to the sessions on this node and
    /// never stored, so that no later holder of either name finds it in a conversation.
    /// </summary>
    private Result<StoredMessage> SendLiveDirect(Session session, string toName, string text, LiveExtras? live)
    {
        if (_presence.OnlineName(toName) is not { } to)
            return Error(ErrorCodes.NoSuchUser, $"'{toName}' is not online (a guest's direct messages are delivered live only)");
        Interlocked.Increment(ref _messagesSeen);
        var now = Timestamps.Now(_time);
        var message = new StoredMessage(NewId(now), ConversationKey.ForDirect(session.User!, to), Seq: 0, now, session.User!, Room: null, to, text) { Live = live };
        DeliverDirect(message, origin: session);
        return message;
    }

    /// <summary>
    /// A signal (<see cref="SignalEvent"/>) to a room's members or to a user online, on every node,
    /// but the sending session; never stored. Who may signal is who may send a message there.
    /// </summary>
    public async Task<Result<SignalEvent>> SignalAsync(Session session, string? roomName, string? toName, string clientTags)
    {
        var now = Timestamps.Now(_time);
        SignalEvent signal;
        if (roomName is not null)
        {
            if (_rooms.FindRoom(roomName) is not { } room)
                return NoSuchRoom(roomName);
            if (RoomDirectory.SendRefusal(room, session, _time) is { } refused)
                return refused;
            signal = new SignalEvent(NewId(now), now, session.User!, room.Name, To: null, clientTags);
            Fanout.Deliver(signal, room.Sessions, except: session);
            if (room.Transient)
                return signal;
        }
        else
        {
            // Who may signal a user is who may send it a direct message.
            var open = _limits.Guests == GuestPolicy.Open;
            if (!open && (session.IsGuest || _presence.IsGuestOnline(toName!)))
                return GuestNotAllowed("send direct messages");
            if (_presence.OnlineName(toName!) is not { } to)
                return Error(ErrorCodes.NoSuchUser, $"'{toName}' is not online");
            // Typing and reactions from someone blocked are refused as its messages are (guests cannot be blocked).
            if (!session.IsGuest && await _store.BlocksAsync(Names.Key(to), session.UserKey!).ConfigureAwait(false))
                return People.Blocked(to);
            signal = new SignalEvent(NewId(now), now, session.User!, Room: null, to, clientTags);
            DeliverSignal(signal, origin: session);
        }
        await _cluster.PublishAsync(new Signaled(signal)).ConfigureAwait(false);
        return signal;
    }

    /// <summary>Another node's signal, for this node's sessions of its room or users.</summary>
    public void ApplyRemote(Signaled signaled)
    {
        var signal = signaled.Signal;
        if (signal.Room is null)
            DeliverSignal(signal, origin: null);
        else if (_rooms.FindRoom(signal.Room) is { } room)
            Fanout.Deliver(signal, room.Sessions, except: null);
    }

    /// <summary>A signal to a user: its sessions and the sender's other ones, on this node.</summary>
    private void DeliverSignal(SignalEvent signal, Session? origin) => DeliverToBoth(new Broadcast(signal), signal.From, signal.To!, origin);

    /// <summary>A room message to every member's sessions on this node, but the sending session.</summary>
    public static void DeliverToRoom(RoomState room, StoredMessage message, Session? origin) =>
        Fanout.Deliver(new MessageEvent(message), room.Sessions, except: origin);

    /// <summary>A direct message to both users' sessions on this node, but the sending session.</summary>
    private void DeliverDirect(StoredMessage message, Session? origin) =>
        DeliverToBoth(new Broadcast(new MessageEvent(message)), message.From, message.To!, origin);

    /// <summary>What is said in a DM to both users' sessions on this node (once, when one writes to itself), but <paramref name="origin"/>.</summary>
    private void DeliverToBoth(Broadcast broadcast, string from, string to, Session? origin)
    {
        Fanout.Deliver(broadcast, _presence.SessionsOf(Names.Key(from)), except: origin);
        if (Names.Key(to) != Names.Key(from))
            Fanout.Deliver(broadcast, _presence.SessionsOf(Names.Key(to)), except: origin);
    }

    /// <summary>A page of a room's or direct conversation's history, newest first.</summary>
    public async Task<Result<HistoryPage>> HistoryAsync(Session session, string? roomName, string? withName, long? beforeSeq, int? limit)
    {
        var conversation = await ConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        if (!conversation.Ok)
            return conversation.Error!;
        var count = Math.Clamp(limit ?? _limits.HistoryDefault, 1, _limits.HistoryMax);
        return await _store.HistoryAsync(conversation.Value!, beforeSeq, count).ConfigureAwait(false);
    }

    /// <summary>A page of a room's or direct conversation's history after <paramref name="afterSeq"/>, oldest first.</summary>
    public async Task<Result<HistoryPage>> HistoryAfterAsync(Session session, string? roomName, string? withName, long afterSeq, int? limit)
    {
        var conversation = await ConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        if (!conversation.Ok)
            return conversation.Error!;
        var count = Math.Clamp(limit ?? _limits.HistoryDefault, 1, _limits.HistoryMax);
        return await _store.HistoryAfterAsync(conversation.Value!, afterSeq, count).ConfigureAwait(false);
    }

    /// <summary>
    /// The seq of the conversation's first message at or after <paramref name="time"/> (one past
    /// the last when there is none). Messages are timed when sent and numbered in send order, so
    /// times rise with seq: a binary search over seq, one store read of one message per step
    /// (about 20 for a million messages), with no index by time in either store.
    /// </summary>
    public async Task<Result<long>> SeqAtAsync(Session session, string? roomName, string? withName, DateTimeOffset time)
    {
        var conversation = await ConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        if (!conversation.Ok)
            return conversation.Error!;
        return await SeqAtAsync(conversation.Value!, time).ConfigureAwait(false);
    }

    private async Task<long> SeqAtAsync(string conversation, DateTimeOffset time)
    {
        var newest = await _store.HistoryAsync(conversation, beforeSeq: null, 1).ConfigureAwait(false);
        if (newest.Messages.Count == 0)
            return 1;
        long low = 1, high = newest.Messages[0].Seq + 1;
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            // The first message from middle on (a failed commit leaves a hole in the numbers).
            var page = await _store.HistoryAfterAsync(conversation, middle - 1, 1).ConfigureAwait(false);
            if (page.Messages.Count == 0 || page.Messages[0].Timestamp >= time)
                high = middle;
            else
                low = page.Messages[0].Seq + 1;
        }
        return low;
    }

    /// <summary>
    /// The message with this id in the conversation, or null. An id is a version 7 UUID made
    /// from the message's time (<see cref="NewId"/>), so it is looked for among the messages of
    /// that millisecond.
    /// </summary>
    public async Task<Result<StoredMessage?>> FindMessageAsync(Session session, string? roomName, string? withName, string id)
    {
        var conversation = await ConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        if (!conversation.Ok)
            return conversation.Error!;
        if (id.Length != 32 || !long.TryParse(id.AsSpan(0, 12), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var milliseconds)
            || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            return (StoredMessage?)null;
        var time = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        var after = await SeqAtAsync(conversation.Value!, time).ConfigureAwait(false) - 1;
        while (true)
        {
            var page = await _store.HistoryAfterAsync(conversation.Value!, after, 50).ConfigureAwait(false);
            foreach (var message in page.Messages)
            {
                if (message.Timestamp > time)
                    return (StoredMessage?)null;
                if (string.Equals(message.Id, id, StringComparison.OrdinalIgnoreCase))
                    return message;
            }
            if (!page.More)
                return (StoredMessage?)null;
            after = page.Messages[^1].Seq;
        }
    }

    /// <summary>Records how far the user has read and tells the user's other sessions.</summary>
    public async Task<Result<Done>> MarkReadAsync(Session session, string? roomName, string? withName, long seq)
    {
        var conversation = await ConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        if (!conversation.Ok)
            return conversation.Error!;
        var me = session.User!;
        // A guest's read position would outlive it: nothing of a guest is stored.
        if (session.IsGuest)
            return Done.Value;
        await _store.SetReadAsync(Names.Key(me), conversation.Value!, seq).ConfigureAwait(false);
        // With its time, for the user's IRC sessions (read-marker marks by time).
        var mark = await _store.ReadMarkAsync(Names.Key(me), conversation.Value!).ConfigureAwait(false);
        await TellReadMovedAsync(session, roomName, withName, mark).ConfigureAwait(false);
        return Done.Value;
    }

    /// <summary>
    /// How far the user has read a room or direct conversation, with its time. Null when Parley
    /// keeps no read position for it: the session is a guest's, the room is transient, or the
    /// other user is not an account (nothing of those is stored).
    /// </summary>
    public async Task<Result<ReadMark?>> ReadMarkAsync(Session session, string? roomName, string? withName)
    {
        var conversation = await StoredConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        if (!conversation.Ok || conversation.Value is null)
            return conversation.Ok ? (ReadMark?)null : conversation.Error!;
        return await _store.ReadMarkAsync(Names.Key(session.User!), conversation.Value).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks a conversation read up to a time (never backward): the read position moves to the last
    /// message stored at or before it, and the user's other sessions are told. Returns the position
    /// after, which is later than <paramref name="time"/> when the user had read further already;
    /// null when Parley keeps no read position for it (see <see cref="ReadMarkAsync"/>).
    /// </summary>
    public async Task<Result<ReadMark?>> MarkReadAtAsync(Session session, string? roomName, string? withName, DateTimeOffset time)
    {
        var conversation = await StoredConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        if (!conversation.Ok || conversation.Value is null)
            return conversation.Ok ? (ReadMark?)null : conversation.Error!;
        var mark = await _store.MarkReadAtAsync(Names.Key(session.User!), conversation.Value, time).ConfigureAwait(false);
        await TellReadMovedAsync(session, roomName, withName, mark).ConfigureAwait(false);
        return mark;
    }

    /// <summary>The user's other sessions, here and on other nodes, hear where it has read to.</summary>
    private async Task TellReadMovedAsync(Session session, string? roomName, string? withName, ReadMark mark)
    {
        var me = session.User!;
        var room = roomName is null ? null : _rooms.FindRoom(roomName)!.Name;
        var with = withName is null ? null : await _knownUsers.FindNameAsync(withName).ConfigureAwait(false);
        Fanout.Deliver(new ReadEvent(room, with, mark.Seq, mark.Time), _presence.SessionsOf(Names.Key(me)), except: session);
        DeliverReceipt(me, with, mark.Seq);
        await _cluster.PublishAsync(new Cluster.ReadMoved(me, room, with, mark.Seq, mark.Time)).ConfigureAwait(false);
    }

    /// <summary>The stored conversation a request names, if the session may read it; null when none is stored (see <see cref="ReadMarkAsync"/>).</summary>
    private async Task<Result<string?>> StoredConversationOfAsync(Session session, string? roomName, string? withName)
    {
        if (session.IsGuest)
            return (string?)null;
        if (roomName is not null && _rooms.FindRoom(roomName) is { Transient: true } transient && transient.Members.ContainsKey(session.UserKey!))
            return (string?)null;
        if (withName is not null && Names.IsValid(withName) && await _knownUsers.FindNameAsync(withName).ConfigureAwait(false) is null)
            return (string?)null;
        var conversation = await ConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
        return conversation.Ok ? conversation.Value : conversation.Error!;
    }

    /// <summary>The conversation a request names, if the session may read it.</summary>
    private async Task<Result<string>> ConversationOfAsync(Session session, string? roomName, string? withName)
    {
        var me = session.User!;
        if (roomName is not null)
        {
            if (_rooms.FindRoom(roomName) is not { } room)
                return NoSuchRoom(roomName);
            if (!room.Members.ContainsKey(Names.Key(me)))
                return NotMember(room);
            return room.Conversation;
        }
        if (!Names.IsValid(withName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (session.IsGuest)
            return GuestNotAllowed("read direct messages");
        if (await _knownUsers.FindNameAsync(withName!).ConfigureAwait(false) is not { } with)
            return Error(ErrorCodes.NoSuchUser, $"there is no user '{withName}'");
        return ConversationKey.ForDirect(me, with);
    }

    /// <summary>A message another node stored, into its conversation's order here.</summary>
    public void ApplyRemote(MessageStored stored)
    {
        var message = stored.Message;
        Interlocked.Increment(ref _messagesSeen);
        if (message.Room is null)
            DirectSequencer(message.Conversation).OfferRemote(message);
        else if (_rooms.FindRoom(message.Room) is { } room)
            room.Sequencer.OfferRemote(message);
    }

    /// <summary>Another node's read mark, for the user's sessions here (and, in a direct conversation, the other user's: a receipt).</summary>
    public void ApplyRemote(Cluster.ReadMoved read)
    {
        Fanout.Deliver(new ReadEvent(read.Room, read.With, read.Seq, read.Time), _presence.SessionsOf(Names.Key(read.User)), except: null);
        DeliverReceipt(read.User, read.With, read.Seq);
    }

    /// <summary>
    /// The backplane was cut off for a while and may have lost messages meanwhile: fetch, for every
    /// conversation this node has delivered in, whatever the store has after that.
    /// </summary>
    public async Task CatchUpAfterReconnectAsync()
    {
        var conversations = _rooms.All.Select(r => (Key: ConversationKey.ForRoom(r.Name), r.Sequencer))
            .Concat(_directSequencers.Select(d => (d.Key, Sequencer: d.Value)));
        foreach (var (conversation, sequencer) in conversations)
        {
            var last = sequencer.LastDelivered;
            if (last < 0)
                continue;
            try
            {
                var page = await _store.HistoryAsync(conversation, beforeSeq: null, limit: 200).ConfigureAwait(false);
                foreach (var message in page.Messages.Where(m => m.Seq > last).OrderBy(m => m.Seq))
                    sequencer.OfferRemote(message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _cluster.Report(new BackplaneReconnected(), ex);
                return;
            }
        }
    }

    /// <summary>
    /// Before a sign-in reply is written: each conversation this node has not yet delivered up to
    /// the reply's <c>lastSeq</c> gets a live floor on the session (<see cref="Session.SetLiveFloor"/>),
    /// so that what the client is told is in history does not also come live, late, from this node.
    /// </summary>
    public void SetLiveFloors(Session session, SessionStart start)
    {
        if (!session.TakesLastSeq)
            return;
        foreach (var room in start.Rooms)
        {
            if (_rooms.FindRoom(room.Name) is { } state && state.Sequencer.LastDelivered < room.LastSeq)
                session.SetLiveFloor(ConversationKey.ForRoom(room.Name), room.LastSeq);
        }
        foreach (var direct in start.Directs)
        {
            var conversation = ConversationKey.ForDirect(start.User, direct.With);
            if (_directSequencers.TryGetValue(conversation, out var sequencer) && sequencer.LastDelivered < direct.LastSeq)
                session.SetLiveFloor(conversation, direct.LastSeq);
        }
    }

    private ConversationSequencer DirectSequencer(string conversation) =>
        _directSequencers.GetOrAdd(conversation, c => _sequencers.For(c, DeliverDirect));

    /// <summary>Who a room message calls: its members by name, everyone by <c>@all</c> when the sender is the room's admin.</summary>
    private (IReadOnlyList<string>? Users, bool All) MentionsIn(string text, RoomState room, Session session) =>
        MentionFinder.Find(text, key => room.Members.TryGetValue(key, out var name) ? name : null,
            allowAll: text.Contains("@all", StringComparison.OrdinalIgnoreCase) && _rooms.ActsAsAdmin(room, session));

    /// <summary>Who a direct message calls: one of its two users.</summary>
    private static (IReadOnlyList<string>? Users, bool All) MentionsIn(string text, string from, string to) =>
        MentionFinder.Find(text, key => key == Names.Key(to) ? to : key == Names.Key(from) ? from : null, allowAll: false);

    /// <summary>A reply names a message of the conversation already delivered (so stored): a later or unknown one is refused.</summary>
    private static ChatError? CheckReply(long? replyTo, long lastSeq) =>
        replyTo is { } seq && (seq < 1 || seq > lastSeq)
            ? Error(ErrorCodes.NoSuchMessage, $"there is no message {seq} to reply to")
            : null;

    private ChatError? CheckText(string text, bool withFiles = false)
    {
        if (!withFiles && BlankText.IsBlank(text))
            return Error(ErrorCodes.EmptyText, "the message text is empty or only blank characters");
        if (TextLength.Exceeds(text, _limits.MaxTextChars))
            return Error(ErrorCodes.TextTooLong, $"a message is at most {_limits.MaxTextChars} characters");
        return null;
    }

    /// <summary>
    /// A version 7 UUID (time first, then random bits), as 32 hex digits. Its random bits come from
    /// the process's generator rather than <see cref="Guid.CreateVersion7()"/>'s, which on glibc
    /// costs a getrandom system call per message. Ids need to be unique, not secret.
    /// </summary>
    private static string NewId(DateTimeOffset at)
    {
        Span<byte> uuid = stackalloc byte[16];
        Random.Shared.NextBytes(uuid);
        var milliseconds = at.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--, milliseconds >>= 8)
            uuid[i] = (byte)milliseconds;
        uuid[6] = (byte)(0x70 | (uuid[6] & 0x0F));
        uuid[8] = (byte)(0x80 | (uuid[8] & 0x3F));
        return Convert.ToHexStringLower(uuid);
    }
}
