using Parley.Core.Model;
using Parley.Core.Storage;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

public sealed partial class RedisChatStore
{
    public Task<IReadOnlyList<RoomRecord>> LoadRoomsAsync() =>
        Call<IReadOnlyList<RoomRecord>>(async db =>
        {
            var roomKeys = (await db.SetMembersAsync(Keys.Rooms()).ConfigureAwait(false))
                .Select(k => (string)k!).Order(StringComparer.Ordinal).ToArray();
            var hashes = roomKeys.Select(k => db.HashGetAllAsync(Keys.Room(k))).ToArray();
            var memberSets = roomKeys.Select(k => db.SetMembersAsync(Keys.Members(k))).ToArray();
            await Task.WhenAll(hashes.Concat<Task>(memberSets)).ConfigureAwait(false);

            // Display names of every member, like a join with the users table: a member without an account is left out.
            var names = new Dictionary<string, Task<RedisValue>>(StringComparer.Ordinal);
            foreach (var members in memberSets)
            {
                foreach (var member in members.Result)
                    names.TryAdd((string)member!, db.HashGetAsync(Keys.User((string)member!), "name"));
            }
            await Task.WhenAll(names.Values).ConfigureAwait(false);

            var rooms = new List<RoomRecord>(roomKeys.Length);
            for (var i = 0; i < roomKeys.Length; i++)
            {
                var fields = hashes[i].Result.ToDictionary();
                if (fields.Count == 0)
                    continue;
                var members = memberSets[i].Result
                    .Select(m => names[(string)m!].Result)
                    .Where(name => !name.IsNull)
                    .Select(name => (string)name!)
                    .ToList();
                rooms.Add(new RoomRecord((string)fields["name"]!, (string?)fields.GetValueOrDefault("topic") ?? "", ToTime(fields["created"]), members)
                {
                    Moderation = ModerationJson.Read((string?)fields.GetValueOrDefault("moderation")),
                });
            }
            return rooms;
        });

    public Task<bool> TryCreateRoomAsync(RoomRecord room) => CreateRoomAsync(room);

    public Task SetTopicAsync(string roomKey, string topic) =>
        Script(RedisScripts.UpdateExisting, [Keys.Room(roomKey)], ["topic", topic]);

    public Task SetModerationAsync(string roomKey, RoomModeration moderation) =>
        Script(RedisScripts.UpdateExisting, [Keys.Room(roomKey)], ["moderation", ModerationJson.Write(moderation)]);

    public Task AddMemberAsync(string roomKey, string userKey) =>
        Script(RedisScripts.AddMember,
            [Keys.Members(roomKey), Keys.UserRooms(userKey), Keys.Reads(userKey), Keys.LastSeq(ConversationKey.ForRoom(roomKey))],
            [userKey, roomKey, ConversationKey.ForRoom(roomKey)]);

    public Task RemoveMemberAsync(string roomKey, string userKey) =>
        Script(RedisScripts.RemoveMember, [Keys.Members(roomKey), Keys.UserRooms(userKey)], [userKey, roomKey]);

    public Task DeleteRoomAsync(string roomKey) =>
        Call(async db =>
        {
            var conversation = ConversationKey.ForRoom(roomKey);
            var keys = new List<RedisKey> { Keys.Rooms(), Keys.Room(roomKey), Keys.Members(roomKey), Keys.History(conversation), Keys.LastSeq(conversation), Keys.Revised(conversation), Keys.Revs(conversation), Keys.LastRev(conversation) };
            foreach (var member in await db.SetMembersAsync(Keys.Members(roomKey)).ConfigureAwait(false))
                keys.AddRange([Keys.UserRooms((string)member!), Keys.Reads((string)member!), Keys.ReadTimes((string)member!)]);
            await db.ScriptEvaluateAsync(RedisScripts.DeleteRoom, [.. keys], [roomKey, conversation], ScriptFlags).ConfigureAwait(false);
            var files = await db.SetMembersAsync(Keys.ConversationFiles(conversation)).ConfigureAwait(false);
            await ForgetFilesAsync(files.Select(id => (string)id!)).ConfigureAwait(false);
            return true;
        });

    private async Task<bool> CreateRoomAsync(RoomRecord room)
    {
        var conversation = ConversationKey.ForRoom(room.Key);
        var memberKeys = room.Members.Select(Names.Key).Distinct(StringComparer.Ordinal).ToArray();
        var keys = new List<RedisKey> { Keys.Rooms(), Keys.Room(room.Key), Keys.Members(room.Key), Keys.LastSeq(conversation) };
        var values = new List<RedisValue> { room.Key, room.Name, room.Topic, room.Created.ToUnixTimeMilliseconds(), conversation };
        foreach (var member in memberKeys)
        {
            keys.Add(Keys.UserRooms(member));
            keys.Add(Keys.Reads(member));
            values.Add(member);
        }
        return (long)await Script(RedisScripts.CreateRoom, [.. keys], [.. values]).ConfigureAwait(false) == 1;
    }
}
