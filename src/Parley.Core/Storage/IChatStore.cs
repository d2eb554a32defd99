using Parley.Core.Model;

namespace Parley.Core.Storage;

/// <summary>
/// Everything Parley keeps. A completed task means the change is durable (it survives the
/// process being killed). One contract test suite runs against every implementation.
/// </summary>
public partial interface IChatStore : IAsyncDisposable
{
    /// <summary>Creates the schema if needed and makes sure the room <paramref name="defaultRoom"/> exists.</summary>
    Task InitializeAsync(string defaultRoom, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<UserRecord?> FindUserAsync(string userKey);

    /// <summary>
    /// Creates the user and, in the same commit, makes it a member of <paramref name="firstRoomKey"/>
    /// (when given). False when a user with the same key already exists.
    /// </summary>
    Task<bool> TryCreateUserAsync(UserRecord user, string? firstRoomKey = null);

    Task SetPasswordHashAsync(string userKey, string passwordHash);

    /// <summary>
    /// Saves a sign-in token, used first at <paramref name="created"/>. The store may forget it once
    /// it has gone unused for <paramref name="idleLifetime"/> (Redis expires its key); whether a
    /// token found is still valid is decided by its <see cref="TokenUse.LastUsed"/>, not by this.
    /// </summary>
    Task SaveTokenAsync(string tokenHash, string userKey, DateTimeOffset created, TimeSpan idleLifetime);

    /// <summary>The display name of the token's user and when it was last used, or null for an unknown or revoked token.</summary>
    Task<TokenUse?> FindTokenAsync(string tokenHash);

    /// <summary>
    /// Records that the token was used at <paramref name="used"/>, keeping it another
    /// <paramref name="idleLifetime"/>. Nothing for a token deleted meanwhile: it is not saved again.
    /// </summary>
    Task TouchTokenAsync(string tokenHash, DateTimeOffset used, TimeSpan idleLifetime);

    Task DeleteTokenAsync(string tokenHash);

    Task<IReadOnlyList<RoomRecord>> LoadRoomsAsync();

    /// <summary>Creates the room with its creator as first member; false when the name is taken.</summary>
    Task<bool> TryCreateRoomAsync(RoomRecord room);

    Task SetTopicAsync(string roomKey, string topic);

    /// <summary>Replaces the room's moderation (settings, account roles, bans); <see cref="LoadRoomsAsync"/> gives it back in <see cref="RoomRecord.Moderation"/>.</summary>
    Task SetModerationAsync(string roomKey, RoomModeration moderation);

    /// <summary>Adds a member (no-op if already one). A new member has read everything said before it joined.</summary>
    Task AddMemberAsync(string roomKey, string userKey);

    Task RemoveMemberAsync(string roomKey, string userKey);

    /// <summary>
    /// Deletes the room: its record, memberships, moderation, messages and read positions. Its
    /// conversation starts again from seq 1 if a room of that name is created later. Messages
    /// appended to it before this call are deleted with it.
    /// </summary>
    Task DeleteRoomAsync(string roomKey);

    /// <summary>
    /// Stores a message and gives it the next sequence number of its conversation.
    /// Calls for one conversation are numbered in the order they were made, even when they
    /// overlap; the task completes once the message is durable.
    /// </summary>
    Task<StoredMessage> AppendAsync(NewMessage message);

    /// <summary>Messages with seq &lt; <paramref name="beforeSeq"/> (all when null), newest first.</summary>
    Task<HistoryPage> HistoryAsync(string conversation, long? beforeSeq, int limit);

    /// <summary>Messages with seq &gt; <paramref name="afterSeq"/>, oldest first (IRC's CHATHISTORY AFTER, and finding a message by time).</summary>
    Task<HistoryPage> HistoryAfterAsync(string conversation, long afterSeq, int limit);

    /// <summary>Moves the user's read position forward; never backward, never past the conversation's last message.</summary>
    Task SetReadAsync(string userKey, string conversation, long seq);

    /// <summary>
    /// Moves the user's read time forward to <paramref name="time"/> (never backward), and its read
    /// position to the last message stored at or before that time (never backward either).
    /// Returns the read position after, as <see cref="ReadMarkAsync"/> gives it.
    /// </summary>
    Task<ReadMark> MarkReadAtAsync(string userKey, string conversation, DateTimeOffset time);

    /// <summary>
    /// The user's read position (0 when none) and its time: the later of the last time marked with
    /// <see cref="MarkReadAtAsync"/> and the time of the message at that position.
    /// </summary>
    Task<ReadMark> ReadMarkAsync(string userKey, string conversation);

    /// <summary>
    /// The user's rooms and direct conversations with last seq, read seq, unread count and the time
    /// of the latest message (for the order of a conversation list).
    /// Unread leaves out the user's own messages among the first <see cref="UnreadExactWithin"/>
    /// past the read position and counts every later one: exact up to that many unread, close
    /// beyond, and a sign-in costs the same however far behind the user is.
    /// </summary>
    Task<IReadOnlyList<ConversationState>> ConversationsAsync(string userKey);

    const int UnreadExactWithin = 100;
}
