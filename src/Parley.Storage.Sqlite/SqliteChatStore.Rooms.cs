using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    public Task<IReadOnlyList<RoomRecord>> LoadRoomsAsync()
    {
        using var connection = OpenReader();
        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        using (var command = Query(connection, "SELECT m.room_key, u.name FROM members m JOIN users u ON u.key = m.user_key"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var roomKey = reader.GetString(0);
                if (!members.TryGetValue(roomKey, out var list))
                    members[roomKey] = list = [];
                list.Add(reader.GetString(1));
            }
        }
        var rooms = new List<RoomRecord>();
        using (var command = Query(connection, "SELECT key, name, topic, created, moderation FROM rooms ORDER BY key"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rooms.Add(new RoomRecord(reader.GetString(1), reader.GetString(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    members.GetValueOrDefault(reader.GetString(0)) ?? [])
                {
                    Moderation = ModerationJson.Read(reader.IsDBNull(4) ? null : reader.GetString(4)),
                });
            }
        }
        return Task.FromResult<IReadOnlyList<RoomRecord>>(rooms);
    }

    public Task<bool> TryCreateRoomAsync(RoomRecord room) =>
        Writer.Enqueue(w =>
        {
            var created = Run(w, "INSERT OR IGNORE INTO rooms (key, name, topic, created) VALUES ($key, $name, $topic, $created)",
                ("$key", room.Key), ("$name", room.Name), ("$topic", room.Topic), ("$created", room.Created.ToUnixTimeMilliseconds())) == 1;
            if (created)
            {
                foreach (var member in room.Members)
                    AddMember(w, room.Key, Names.Key(member));
            }
            return created;
        });

    public Task SetTopicAsync(string roomKey, string topic) =>
        Writer.Enqueue(w => Run(w, "UPDATE rooms SET topic = $topic WHERE key = $key", ("$topic", topic), ("$key", roomKey)));

    public Task SetModerationAsync(string roomKey, RoomModeration moderation) =>
        Writer.Enqueue(w => Run(w, "UPDATE rooms SET moderation = $moderation WHERE key = $key", ("$moderation", ModerationJson.Write(moderation)), ("$key", roomKey)));

    public Task AddMemberAsync(string roomKey, string userKey) =>
        Writer.Enqueue(w => AddMember(w, roomKey, userKey));

    public Task RemoveMemberAsync(string roomKey, string userKey) =>
        Writer.Enqueue(w => Run(w, "DELETE FROM members WHERE room_key = $room AND user_key = $user", ("$room", roomKey), ("$user", userKey)));

    public Task DeleteRoomAsync(string roomKey)
    {
        var conversation = ConversationKey.ForRoom(roomKey);
        // Under the numbering lock, as an append: the messages numbered before are queued ahead and
        // go with the room (a write that is not deferred settles them first), and the next one
        // numbered in this conversation is 1 again.
        lock (_sequenceGate)
        {
            var had = _lastSeq.Remove(conversation, out var last);
            // A room of the same name later starts its times afresh, as after a restart.
            _lastTs.Remove(conversation);
            var deleted = Writer.Enqueue(w =>
            {
                Run(w, "DELETE FROM messages WHERE conv = $conv", ("$conv", conversation));
                Run(w, "DELETE FROM message_extras WHERE conv = $conv", ("$conv", conversation));
                Run(w, "DELETE FROM files WHERE conv = $conv", ("$conv", conversation));
                // Its number stays, for a room of the same name later.
                if (_searchIndex!.EntriesOf(conversation) is var (low, high))
                    Run(w, "DELETE FROM message_search WHERE rowid BETWEEN $low AND $high", ("$low", low), ("$high", high));
                ForgetDeletedRows(w);
                Run(w, "DELETE FROM conversations WHERE conv = $conv", ("$conv", conversation));
                // Read positions are keyed by user first: a rare scan, not an index per conversation.
                Run(w, "DELETE FROM reads WHERE conv = $conv", ("$conv", conversation));
                Run(w, "DELETE FROM members WHERE room_key = $room", ("$room", roomKey));
                return Run(w, "DELETE FROM rooms WHERE key = $room", ("$room", roomKey));
            });
            // Not deleted after all: the numbering goes on from where it was, unless a new room of
            // the name has started its own meanwhile.
            if (had)
            {
                _ = deleted.ContinueWith(_ =>
                {
                    lock (_sequenceGate)
                        _lastSeq.TryAdd(conversation, last);
                }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
            return deleted;
        }
    }

    private static int AddMember(GroupCommitWriter w, string roomKey, string userKey)
    {
        var added = Run(w, "INSERT OR IGNORE INTO members (room_key, user_key) VALUES ($room, $user)", ("$room", roomKey), ("$user", userKey));
        if (added == 1)
        {
            // What was said before someone joined is history to them, not unread.
            Run(w, """
                INSERT INTO reads (user_key, conv, seq) SELECT $user, conv, last_seq FROM conversations WHERE conv = $conv
                ON CONFLICT (user_key, conv) DO UPDATE SET seq = max(seq, excluded.seq)
                """, ("$user", userKey), ("$conv", ConversationKey.ForRoom(roomKey)));
        }
        return added;
    }
}
