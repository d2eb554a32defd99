using Parley.Core.Events;
using Parley.Core.Model;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// The native protocol's moderation, one member or one setting at a time (ban, unban, mute,
/// unmute, role, room settings, adding a member, handing a room over), made of the same changes
/// IRC's MODE makes (<see cref="ChangeAsync"/>), so both protocols see one model.
/// </summary>
internal sealed partial class RoomDirectory
{
    /// <summary>
    /// Bans a user by name (until <paramref name="until"/>, or for good), and takes it out of the
    /// room if it is in: it hears a removal with the reason, and may not join again while banned.
    /// An admin bans anyone but the owner and itself.
    /// </summary>
    public async Task<Result<string>> BanAsync(Session session, string name, string userName, DateTimeOffset? until, string reason)
    {
        if (!Names.IsValid(userName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (ReasonRefusal(reason) is { } badReason)
            return badReason;
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        if (until <= time.GetUtcNow())
            return Error(ErrorCodes.BadField, "'until' is in the past");
        string target;
        lock (Topology)
        {
            if ((AdminRefusal(room, session, "ban") ?? OutranksRefusal(room, session, userName, "ban")) is { } refused)
                return refused;
            target = room.Members.GetValueOrDefault(Names.Key(userName)) ?? userName;
        }
        var banned = await ChangeAsync(session, room.Name, [new RoomChange(RoomSetting.Ban, On: true, target, Until: until)]).ConfigureAwait(false);
        if (!banned.Ok)
            return banned.Error!;
        if (room.Members.ContainsKey(Names.Key(target)))
            await RemoveByModeratorAsync(room, new KickEvent(room.Name, target, session.User!, reason, Ban: true)).ConfigureAwait(false);
        return target;
    }

    /// <summary>Lifts every ban that names the user: its name as the mask, or as the nick of an IRC mask (<c>bob!*@*</c>).</summary>
    public async Task<Result<string>> UnbanAsync(Session session, string name, string userName)
    {
        if (!Names.IsValid(userName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        static string Nick(string mask) => mask.IndexOf('!') is var bang and >= 0 ? mask[..bang] : mask;
        var lifted = room.Moderation.Bans.Where(b => string.Equals(Nick(b.Mask), userName, StringComparison.OrdinalIgnoreCase))
            .Select(b => new RoomChange(RoomSetting.Ban, On: false, b.Mask)).ToList();
        // No ban to lift still needs the right to lift one.
        var changed = await ChangeAsync(session, room.Name, lifted).ConfigureAwait(false);
        return changed.Ok ? userName : changed.Error!;
    }

    /// <summary>Mutes a member (until <paramref name="until"/>, or until unmuted) or unmutes a user. An admin mutes anyone but the owner and itself.</summary>
    public async Task<Result<string>> MuteAsync(Session session, string name, string userName, bool on, DateTimeOffset? until)
    {
        if (!Names.IsValid(userName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        if (until <= time.GetUtcNow())
            return Error(ErrorCodes.BadField, "'until' is in the past");
        var target = userName;
        if (on)
        {
            if (!room.Members.TryGetValue(Names.Key(userName), out var member))
                return Error(ErrorCodes.NotInRoom, $"'{userName}' is not in '{room.Name}'");
            target = member;
        }
        else if (room.Moderation.Mutes.FirstOrDefault(m => string.Equals(m.User, userName, StringComparison.OrdinalIgnoreCase)) is { } muted)
        {
            target = muted.User;
        }
        var changed = await ChangeAsync(session, room.Name, [new RoomChange(RoomSetting.Mute, on, target, Until: on ? until : null)]).ConfigureAwait(false);
        return changed.Ok ? target : changed.Error!;
    }

    /// <summary>
    /// Gives a member the role: admin, voiced or member (the roles above taken away), or owner,
    /// which only the owner gives, becoming an admin itself. The owner keeps the room until it
    /// hands it over.
    /// </summary>
    public async Task<Result<string>> SetRoleAsync(Session session, string name, string userName, RoomRole role)
    {
        if (!Names.IsValid(userName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.UserKey!;
        var target = Names.Key(userName);
        List<RoomChange> changes;
        lock (Topology)
        {
            if (AdminRefusal(room, session, "change roles") is { } refused)
                return refused;
            if (!room.Members.TryGetValue(target, out var member))
                return Error(ErrorCodes.NotInRoom, $"'{userName}' is not in '{room.Name}'");
            userName = member;
            var current = room.RoleOf(target);
            // A stored room always has its owner: the role goes only by being given to someone else.
            if (current == RoomRole.Owner && role != RoomRole.Owner && !room.Transient)
                return Error(ErrorCodes.NotPermitted, $"'{member}' owns '{room.Name}': make someone else its owner first");
            if (role == RoomRole.Owner && PowerOf(room, session) < RoomRole.Owner)
                return Error(ErrorCodes.NotPermitted, $"only the owner of '{room.Name}' hands it over");
            if (role == RoomRole.Owner && !room.Transient && !IsAccount(target))
                return Error(ErrorCodes.NotPermitted, $"'{member}' is a guest: only an account owns a room");
            changes = [];
            if (role == RoomRole.Owner && current != RoomRole.Owner)
            {
                // One owner: whoever owns the room now (the one handing it over, or, for a server
                // admin, someone else) stays on as an admin.
                changes.Add(new(RoomSetting.Role, On: true, member, RoomRole.Owner));
                foreach (var owner in room.Roles.Where(r => r.Value == RoomRole.Owner && room.Members.ContainsKey(r.Key)).Select(r => room.Members[r.Key]).ToList())
                    changes.AddRange([new(RoomSetting.Role, On: false, owner, RoomRole.Owner), new(RoomSetting.Role, On: true, owner, RoomRole.Admin)]);
            }
            if (role != RoomRole.Owner && current > role)
                changes.Add(new(RoomSetting.Role, On: false, member, current));
            if (role != RoomRole.Owner && role > RoomRole.Member && current != role)
                changes.Add(new(RoomSetting.Role, On: true, member, role));
        }
        var changed = await ChangeAsync(session, room.Name, changes).ConfigureAwait(false);
        return changed.Ok ? userName : changed.Error!;
    }

    /// <summary>
    /// Changes a room's settings: <paramref name="isPrivate"/> (invite-only and left out of room
    /// lists, or neither), <paramref name="moderated"/>, <paramref name="topicLocked"/> (admins
    /// only) and <paramref name="topic"/> (as <see cref="SetTopicAsync"/>); each only when given.
    /// Every refusal comes before any change: the permission first, then the topic, which can
    /// still be refused for its length, then the settings.
    /// </summary>
    public async Task<Result<Done>> ConfigureAsync(Session session, string name, bool? isPrivate, bool? moderated, bool? topicLocked, string? topic)
    {
        var changes = new List<RoomChange>();
        if (isPrivate is { } p)
            changes.AddRange([new(RoomSetting.InviteOnly, p), new(RoomSetting.Secret, p)]);
        if (moderated is { } m)
            changes.Add(new(RoomSetting.Moderated, m));
        if (topicLocked is { } t)
            changes.Add(new(RoomSetting.TopicLocked, t));
        if (changes.Count > 0)
        {
            if (FindRoom(name) is not { } room)
                return NoSuchRoom(name);
            lock (Topology)
            {
                if (AdminRefusal(room, session, "change its settings") is { } refused)
                    return refused;
            }
        }
        if (topic is not null && await SetTopicAsync(session, name, topic).ConfigureAwait(false) is { Ok: false } titled)
            return titled.Error!;
        if (changes.Count > 0 && await ChangeAsync(session, name, changes).ConfigureAwait(false) is { Ok: false } changed)
            return changed.Error!;
        return Done.Value;
    }

    /// <summary>
    /// Makes an account a member at once (native <c>invite</c>, as WeChat and Slack add people to
    /// a group; IRC's INVITE is <see cref="InviteAsync"/>, a permission to join). Any member adds
    /// people to a public room, within its member limit; only admins to a private one, past the
    /// limit too. A banned user is refused until unbanned. The room, the new member included,
    /// hears a join that names who added it.
    /// </summary>
    public async Task<Result<string>> AddMemberAsync(Session session, string name, string userName)
    {
        if (!Names.IsValid(userName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        if (room.Transient)
            return Error(ErrorCodes.NotPermitted, $"'{room.Name}' lasts only while its guests are in it: invite with IRC's INVITE instead");
        if (await knownUsers.FindNameAsync(userName).ConfigureAwait(false) is not { } added || knownUsers.IsDeleted(Names.Key(added)))
            return Error(ErrorCodes.NoSuchUser, $"there is no user '{userName}'");
        var key = Names.Key(added);
        lock (Topology)
        {
            if (!MayActIn(room, session))
                return NotMember(room);
            var admin = PowerOf(room, session) >= RoomRole.Admin;
            if (room.Moderation.InviteOnly && !admin)
                return Error(ErrorCodes.NotPermitted, $"'{room.Name}' is private: only its admins add people");
            if (room.Members.ContainsKey(key))
                return Error(ErrorCodes.AlreadyMember, $"'{added}' is in '{room.Name}' already");
            if (room.Moderation.IsBanned(added, time.GetUtcNow()))
                return Error(ErrorCodes.Banned, $"'{added}' is banned from '{room.Name}': unban first");
            if (!admin && room.Moderation.Limit is { } limit && room.MemberCount + room.JoinsUnderway >= limit)
                return Error(ErrorCodes.RoomFull, $"'{room.Name}' is full");
        }
        await store.AddMemberAsync(Names.Key(room.Name), key).ConfigureAwait(false);
        if (!ApplyJoin(room, added, origin: null, by: session.User, refuseBanned: true))
            return room.Members.ContainsKey(key) ? added : await UndoJoinAsync(room, key, added).ConfigureAwait(false);
        await cluster.PublishAsync(new Cluster.MembershipChanged(room.Name, added, Joined: true, By: session.User)).ConfigureAwait(false);
        await Notices(room, session.User!, RoomNotices.Added(session.User!, added)).ConfigureAwait(false);
        return added;
    }

    /// <summary>
    /// A stored room's owner is leaving (and others stay): the room passes to an admin, else a
    /// voiced member, else an account online, else any account, each in name order. (Who has
    /// been a member longest is not kept.) Guests are passed over: their roles are not stored.
    /// Made as the owner's own role change, so every protocol and node sees it; tried again with
    /// the next heir if the first left meanwhile.
    /// </summary>
    private async Task HandOverAsync(Session session, RoomState room)
    {
        var me = session.UserKey!;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            string? heir;
            lock (Topology)
            {
                if (room.Transient || room.RoleOf(me) != RoomRole.Owner)
                    return;
                heir = HeirOf(room, me);
            }
            if (heir is null)
                return;
            var changed = await ChangeAsync(session, room.Name, [new(RoomSetting.Role, On: true, heir, RoomRole.Owner), new(RoomSetting.Role, On: false, session.User, RoomRole.Owner)]).ConfigureAwait(false);
            if (changed.Ok)
                return;
        }
    }

    /// <summary>Who a room passes to when its owner <paramref name="ownerKey"/> goes (see <see cref="HandOverAsync"/>); null when nobody may. Call under the topology lock.</summary>
    private string? HeirOf(RoomState room, string ownerKey) =>
        room.Members.Where(m => m.Key != ownerKey && IsAccount(m.Key))
            .OrderByDescending(m => room.RoleOf(m.Key))
            .ThenByDescending(m => _presence.IsOnlineKey(m.Key))
            .ThenBy(m => m.Value, NaturalNameOrder.Instance)
            .Select(m => m.Value).FirstOrDefault();

    /// <summary>An account's key (not an IRC guest's, whose roles end with it, nor a deleted account's). Call under the topology lock.</summary>
    private bool IsAccount(string userKey) => knownUsers.IsKnown(userKey) && !knownUsers.IsDeleted(userKey) && !_presence.IsGuestOnline(userKey);

    /// <summary>
    /// A join whose store write was made but which found the room deleted, or the user banned,
    /// once it came to apply: the store forgets the membership again.
    /// </summary>
    private async Task<Result<string>> UndoJoinAsync(RoomState room, string userKey, string userName)
    {
        await store.RemoveMemberAsync(Names.Key(room.Name), userKey).ConfigureAwait(false);
        return room.Deleted ? NoSuchRoom(room.Name) : Error(ErrorCodes.Banned, $"'{userName}' is banned from '{room.Name}'");
    }

    /// <summary>Why the session may not moderate the room, or null. Call under the topology lock.</summary>
    private ChatError? AdminRefusal(RoomState room, Session session, string action)
    {
        if (!MayActIn(room, session))
            return NotMember(room);
        if (PowerOf(room, session) < RoomRole.Admin)
            return Error(ErrorCodes.NotPermitted, $"you need to be an admin of '{room.Name}' to {action}");
        return null;
    }
}
