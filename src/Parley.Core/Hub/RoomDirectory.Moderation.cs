using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// Moderation, one model for every protocol: roles (owner, admins, voiced), settings (invite-only,
/// moderated, topic locked, secret, key, member limit, messages from outsiders), bans, kicks and
/// invitations. Checked here on join, send and topic; IRC maps it to channel modes in its gateway.
///
/// Stored rooms keep their settings, bans and their accounts' roles in the store (an account's
/// role stays when it leaves and comes back); a guest's role and a transient room's roles end with
/// the membership. Only a stored room's owner is protected from its admins: a transient room's
/// owner (its creator) is an admin like the others, as a channel operator is on IRC. Changes are
/// made under the topology lock and written to the store in that order. Other nodes load a room's
/// moderation when they start and hear each change, kick and invitation of a stored room over the
/// backplane (the <c>ApplyRemote</c> methods).
/// </summary>
internal sealed partial class RoomDirectory
{
    /// <summary>Why the user may not join the room now, or null if it may. Call under the topology lock.</summary>
    private ChatError? JoinRefusal(RoomState room, string userKey, string userName, string? key)
    {
        var moderation = room.Moderation;
        var invited = room.Invited.Contains(userKey);
        if (!invited && moderation.IsBanned(userName, time.GetUtcNow()))
            return Error(ErrorCodes.Banned, $"you are banned from '{room.Name}'");
        if (moderation.InviteOnly && !invited)
            return Error(ErrorCodes.InviteOnly, $"'{room.Name}' is invite-only");
        if (moderation.Key is { } needed && key != needed && !invited)
            return Error(ErrorCodes.BadKey, $"'{room.Name}' needs a key");
        if (moderation.Limit is { } limit && room.MemberCount + room.JoinsUnderway >= limit && !invited)
            return Error(ErrorCodes.RoomFull, $"'{room.Name}' is full");
        return null;
    }

    /// <summary>Why the user may not send to the room, or null: it must be a member (unless the room takes messages from outsiders) and may speak.</summary>
    public static ChatError? SendRefusal(RoomState room, Session session, TimeProvider time)
    {
        if (!room.Members.ContainsKey(session.UserKey!) && !room.Moderation.ExternalMessages)
            return NotMember(room);
        return SpeakRefusal(room, session.UserKey!, session.User!, time);
    }

    /// <summary>
    /// Why the member may not speak in the room, or null: a muted member is silent whatever its
    /// role, a moderated room needs a voice, a banned member is silent. Runs on every send: the
    /// clock is read only when the room has mutes or bans.
    /// </summary>
    public static ChatError? SpeakRefusal(RoomState room, string userKey, string userName, TimeProvider time)
    {
        var moderation = room.Moderation;
        if (moderation.Mutes.Count > 0 && moderation.Mutes.FirstOrDefault(m => m.Holds(userName, time.GetUtcNow())) is { } mute)
            return Error(ErrorCodes.Muted, mute.Until is { } until ? $"you are muted in '{room.Name}' until {until:yyyy-MM-dd HH:mm} UTC" : $"you are muted in '{room.Name}'");
        var role = room.RoleOf(userKey);
        if (role >= RoomRole.Voiced)
            return null;
        if (moderation.Moderated)
            return Error(ErrorCodes.Muted, $"'{room.Name}' is moderated: only voiced members speak");
        if (moderation.IsBanned(userName, time.GetUtcNow()))
            return Error(ErrorCodes.Muted, $"you are banned from '{room.Name}' and cannot speak in it");
        return null;
    }

    /// <summary>A kick's or ban's reason: at most a topic's length, on one line (it is shown in a line of history, and in IRC's KICK).</summary>
    private ChatError? ReasonRefusal(string reason)
    {
        if (TextLength.Exceeds(reason, limits.MaxTopicChars))
            return Error(ErrorCodes.BadField, $"a reason is at most {limits.MaxTopicChars} characters");
        if (reason.Any(char.IsControl))
            return Error(ErrorCodes.BadField, "a reason is one line, without control characters");
        return null;
    }

    /// <summary>
    /// Why the member may not mute, ban or kick <paramref name="targetName"/>, or null: nobody acts
    /// on themselves that way, nor on a stored room's owner (a server admin makes someone else the
    /// owner first: a stored room always has one). Call under the topology lock.
    /// </summary>
    private ChatError? OutranksRefusal(RoomState room, Session actor, string targetName, string action)
    {
        var target = Names.Key(targetName);
        if (target == actor.UserKey)
            return Error(ErrorCodes.NotPermitted, $"you cannot {action} yourself");
        if (room.RoleOf(target) == RoomRole.Owner && !room.Transient)
            return Error(ErrorCodes.NotPermitted, $"nobody can {action} the owner of '{room.Name}'");
        return null;
    }

    /// <summary>The room's role of each member, settings and bans, as a protocol shows them.</summary>
    public Result<RoomModeration> Moderation(string name)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        return room.Moderation with { Roles = new Dictionary<string, RoomRole>(room.Roles, StringComparer.Ordinal) };
    }

    /// <summary>
    /// The room's settings for the native <c>room</c> op: to anyone who may see the room (a
    /// private room only to its members), with the bans and mutes that have not ended.
    /// </summary>
    public Result<RoomSettings> Settings(Session session, string name)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var me = session.UserKey!;
        var now = time.GetUtcNow();
        lock (Topology)
        {
            var member = room.Members.ContainsKey(me);
            if (room.Moderation.Secret && !member && !HasServerPowers(session))
                return NoSuchRoom(name);
            var moderation = room.Moderation with
            {
                Bans = room.Moderation.Bans.Where(b => b.InForce(now)).ToList(),
                Mutes = room.Moderation.Mutes.Where(m => m.InForce(now)).ToList(),
            };
            // Roles of members only: an account keeps its role while away, but it is not shown.
            var roles = room.Roles.Where(r => room.Members.ContainsKey(r.Key))
                .Select(r => (User: room.Members[r.Key], Role: r.Value))
                .OrderByDescending(r => r.Role).ThenBy(r => r.User, NaturalNameOrder.Instance).ToList();
            // The powers the user acts with here: a server admin's are the owner's.
            var role = HasServerPowers(session) ? RoomRole.Owner : member ? room.RoleOf(me) : RoomRole.Member;
            return new RoomSettings(room.Name, room.Topic, room.MemberCount, moderation, roles, role, member);
        }
    }

    /// <summary>
    /// Applies moderation changes in order; all are checked first and none is applied if one is
    /// refused. Roles are given and taken by admins (owner only by the owner), the rest by admins.
    /// The room's sessions hear the changes that did change something, which are returned.
    /// </summary>
    public async Task<Result<IReadOnlyList<RoomChange>>> ChangeAsync(Session session, string name, IReadOnlyList<RoomChange> changes)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        await room.ModerationGate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await ChangeInOrderAsync(session, room, changes).ConfigureAwait(false);
        }
        finally
        {
            room.ModerationGate.Release();
        }
    }

    private async Task<Result<IReadOnlyList<RoomChange>>> ChangeInOrderAsync(Session session, RoomState room, IReadOnlyList<RoomChange> changes)
    {
        var me = session.User!;
        var myKey = Names.Key(me);
        var applied = new List<RoomChange>();
        Task stored;
        RoomModeration before, after;
        Dictionary<string, RoomRole> rolesBefore;
        lock (Topology)
        {
            // Deleted while this change waited for the gate.
            if (room.Deleted)
                return NoSuchRoom(room.Name);
            if (!MayActIn(room, session))
                return NotMember(room);
            var myRole = PowerOf(room, session);
            if (myRole < RoomRole.Admin)
                return Error(ErrorCodes.NotPermitted, $"you need to be an admin of '{room.Name}' to change it");
            foreach (var change in changes)
            {
                if (change.Setting == RoomSetting.Role)
                {
                    var target = Names.Key(change.Value ?? "");
                    if (!room.Members.ContainsKey(target))
                        return Error(ErrorCodes.NotInRoom, $"'{change.Value}' is not in '{room.Name}'");
                    if ((change.Role == RoomRole.Owner || room.RoleOf(target) == RoomRole.Owner) && myRole < RoomRole.Owner && !room.Transient)
                        return Error(ErrorCodes.NotPermitted, $"only the owner of '{room.Name}' changes its owner");
                }
                // Lifting a mute or a ban is never refused this way: an heir muted before it became the owner can be unmuted.
                else if (change.On && change.Setting == RoomSetting.Mute && OutranksRefusal(room, session, change.Value ?? "", "mute") is { } refused)
                {
                    return refused;
                }
                else if (change.On && change.Setting == RoomSetting.Ban && Names.IsValid(change.Value ?? "") && OutranksRefusal(room, session, change.Value!, "ban") is { } banRefused)
                {
                    return banRefused;
                }
            }
            var moderation = before = room.Moderation;
            // The roles these changes touch, as they were, to put back if the store refuses the change.
            rolesBefore = changes.Where(c => c.Setting == RoomSetting.Role).Select(c => Names.Key(c.Value!)).Distinct()
                .ToDictionary(k => k, room.RoleOf, StringComparer.Ordinal);
            foreach (var change in changes)
            {
                var (next, did) = Apply(room, moderation, change, me);
                moderation = next;
                if (did)
                    applied.Add(change with { Value = change.Setting is RoomSetting.Role ? room.Members.GetValueOrDefault(Names.Key(change.Value!)) : change.Value });
            }
            // A copy even when only roles changed, so a later change is told apart from this one.
            room.Moderation = after = moderation with { };
            stored = room.Transient || applied.Count == 0 ? Task.CompletedTask : store.SetModerationAsync(Names.Key(room.Name), Snapshot(room));
        }
        try
        {
            await stored.ConfigureAwait(false);
        }
        catch
        {
            // Not stored, so not made: memory goes back to what the store holds, unless a later change came since.
            lock (Topology)
            {
                if (ReferenceEquals(room.Moderation, after))
                {
                    room.Moderation = before;
                    foreach (var (key, role) in rolesBefore)
                    {
                        if (role == RoomRole.Member)
                            room.Roles.TryRemove(key, out _);
                        else
                            room.Roles[key] = role;
                    }
                }
            }
            throw;
        }
        if (applied.Count == 0)
            return applied;
        Fanout.Deliver(new RoomChangedEvent(room.Name, me, applied), room.Sessions, except: null);
        if (!room.Transient)
        {
            await cluster.PublishAsync(new RoomModerated(room.Name, me, applied)).ConfigureAwait(false);
            if (RoomNotices.Changes(me, applied) is { } notice)
                await Notices(room, me, notice).ConfigureAwait(false);
        }
        return applied;
    }

    /// <summary>Another node's moderation change, applied to this node's view of the room and told to its sessions there.</summary>
    public void ApplyRemote(RoomModerated change)
    {
        if (FindRoom(change.Room) is not { } room)
            return;
        lock (Topology)
        {
            var moderation = room.Moderation;
            foreach (var one in change.Changes)
                moderation = Apply(room, moderation, one, change.By).Item1;
            room.Moderation = moderation;
        }
        Fanout.Deliver(new RoomChangedEvent(room.Name, change.By, change.Changes), room.Sessions, except: null);
    }

    /// <summary>One change on top of <paramref name="m"/>; roles go straight into the room. Whether it changed anything.</summary>
    private (RoomModeration, bool) Apply(RoomState room, RoomModeration m, RoomChange change, string by)
    {
        switch (change.Setting)
        {
            case RoomSetting.InviteOnly:
                return (m with { InviteOnly = change.On }, m.InviteOnly != change.On);
            case RoomSetting.Moderated:
                return (m with { Moderated = change.On }, m.Moderated != change.On);
            case RoomSetting.TopicLocked:
                return (m with { TopicLocked = change.On }, m.TopicLocked != change.On);
            case RoomSetting.Secret:
                return (m with { Secret = change.On }, m.Secret != change.On);
            case RoomSetting.ExternalMessages:
                return (m with { ExternalMessages = change.On }, m.ExternalMessages != change.On);
            case RoomSetting.Key:
                var key = change.On ? change.Value : null;
                return (m with { Key = key }, m.Key != key);
            case RoomSetting.Limit:
                int? limit = change.On && int.TryParse(change.Value, out var n) && n > 0 ? n : null;
                return (m with { Limit = limit }, m.Limit != limit);
            case RoomSetting.Role:
                var target = Names.Key(change.Value!);
                var current = room.RoleOf(target);
                // A member has one role: giving a lower one than it has (IRC +v to an operator) takes
                // nothing away, and taking back the role it has leaves it a plain member. A
                // transient room's owner is only its first admin, so taking admin takes that too.
                var taken = current == change.Role || (room.Transient && current == RoomRole.Owner && change.Role == RoomRole.Admin);
                var role = change.On ? (RoomRole)Math.Max((int)current, (int)change.Role) : (taken ? RoomRole.Member : current);
                if (role == current)
                    return (m, false);
                if (role == RoomRole.Member)
                    room.Roles.TryRemove(target, out _);
                else
                    room.Roles[target] = role;
                return (m, true);
            case RoomSetting.Ban:
                var mask = change.Value!;
                var ban = m.Bans.FirstOrDefault(b => string.Equals(b.Mask, mask, StringComparison.OrdinalIgnoreCase));
                if (!change.On)
                    return ban is null ? (m, false) : (m with { Bans = m.Bans.Where(b => b != ban).ToList() }, true);
                // Banning again changes only when the ban ends.
                if (ban is not null && ban.Until == change.Until)
                    return (m, false);
                return (m with { Bans = [.. m.Bans.Where(b => b != ban), new RoomBan(mask, by, time.GetUtcNow(), change.Until)] }, true);
            case RoomSetting.Mute:
                var user = change.Value!;
                var mute = m.Mutes.FirstOrDefault(u => string.Equals(u.User, user, StringComparison.OrdinalIgnoreCase));
                if (!change.On)
                    return mute is null ? (m, false) : (m with { Mutes = m.Mutes.Where(u => u != mute).ToList() }, true);
                if (mute is not null && mute.Until == change.Until)
                    return (m, false);
                return (m with { Mutes = [.. m.Mutes.Where(u => u != mute), new RoomMute(user, by, time.GetUtcNow(), change.Until)] }, true);
            default:
                return (m, false);
        }
    }

    /// <summary>What the store keeps: settings, bans, and the roles of members with accounts (never a guest's). Call under the topology lock.</summary>
    private RoomModeration Snapshot(RoomState room) =>
        room.Moderation with
        {
            Roles = room.Roles.Where(r => knownUsers.IsKnown(r.Key) && !_presence.IsGuestOnline(r.Key))
                .ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal),
        };

    /// <summary>Removes a member, who hears it too, with a reason; an admin may kick anyone but a stored room's owner, the owner anyone but itself (it hands the room over and leaves instead).</summary>
    public async Task<Result<string>> KickAsync(Session session, string name, string userName, string reason)
    {
        if (ReasonRefusal(reason) is { } badReason)
            return badReason;
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var myKey = session.UserKey!;
        var target = Names.Key(userName);
        string targetName;
        lock (Topology)
        {
            if (!MayActIn(room, session))
                return NotMember(room);
            if (PowerOf(room, session) < RoomRole.Admin)
                return Error(ErrorCodes.NotPermitted, $"you need to be an admin of '{room.Name}' to kick");
            if (!room.Members.TryGetValue(target, out targetName!))
                return Error(ErrorCodes.NotInRoom, $"'{userName}' is not in '{room.Name}'");
            if (room.RoleOf(target) == RoomRole.Owner && !room.Transient)
                return Error(ErrorCodes.NotPermitted, $"nobody kicks the owner of '{room.Name}': make someone else its owner first");
        }
        await RemoveByModeratorAsync(room, new KickEvent(room.Name, targetName, session.User!, reason)).ConfigureAwait(false);
        return targetName;
    }

    /// <summary>Takes a member out of the room for a moderator (a kick, or a ban of a member): in the store, here, and on the other nodes.</summary>
    private async Task RemoveByModeratorAsync(RoomState room, KickEvent kick)
    {
        var target = Names.Key(kick.User);
        if (!room.Transient && knownUsers.IsKnown(target))
            await store.RemoveMemberAsync(Names.Key(room.Name), target).ConfigureAwait(false);
        if (room.Transient)
        {
            RemoveKicked(room, kick);
            return;
        }
        // Under the gate, and written under the topology lock, as every moderation change is: a
        // change made meanwhile cannot be overwritten in the store by this older snapshot.
        await room.ModerationGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (RemoveKicked(room, kick) is not { } roleTaken)
                return;
            // The role went with the membership: the store forgets it too (other nodes drop it on the kick).
            if (roleTaken)
            {
                Task stored;
                lock (Topology)
                    stored = store.SetModerationAsync(Names.Key(room.Name), Snapshot(room));
                await stored.ConfigureAwait(false);
            }
            await cluster.PublishAsync(new MemberKicked(room.Name, kick.User, kick.By, kick.Reason, kick.Ban)).ConfigureAwait(false);
        }
        finally
        {
            room.ModerationGate.Release();
        }
        // A ban's line says it already.
        if (!kick.Ban)
            await Notices(room, kick.By, RoomNotices.Removed(kick.By, kick.User, kick.Reason)).ConfigureAwait(false);
    }

    /// <summary>Another node's kick: the member leaves this node's view, and the room's sessions here hear why.</summary>
    public void ApplyRemote(MemberKicked kick)
    {
        if (FindRoom(kick.Room) is { } room)
            RemoveKicked(room, new KickEvent(room.Name, kick.User, kick.By, kick.Reason, kick.Ban));
    }

    /// <summary>
    /// Takes the kicked member out, with its role (a kicked admin comes back, if it may, as a plain
    /// member), and tells the room's sessions, the member's own included. Whether it had a role;
    /// null if it had left already.
    /// </summary>
    private bool? RemoveKicked(RoomState room, KickEvent kick)
    {
        var target = Names.Key(kick.User);
        Session[] audience;
        bool roleTaken;
        lock (Topology)
        {
            audience = room.Sessions;
            if (!RemoveMember(room, target))
                return null;
            roleTaken = room.Roles.TryRemove(target, out _);
            room.RemoveSessions(_presence.SessionsOf(target));
            EndIfEmpty(room);
        }
        Fanout.Deliver(kick, audience, except: null);
        return roleTaken;
    }

    /// <summary>
    /// Invites a user (online, not yet a member): it may then join past invite-only, a key, a
    /// limit and bans, once. Any member may invite, unless the room is invite-only (admins then).
    /// The invited user's sessions hear it, as do the room's admins.
    /// </summary>
    public async Task<Result<string>> InviteAsync(Session session, string name, string userName)
    {
        if (FindRoom(name) is not { } room)
            return NoSuchRoom(name);
        var myKey = session.UserKey!;
        lock (Topology)
        {
            if (!MayActIn(room, session))
                return NotMember(room);
            if (room.Moderation.InviteOnly && PowerOf(room, session) < RoomRole.Admin)
                return Error(ErrorCodes.NotPermitted, $"you need to be an admin of '{room.Name}' to invite to it");
            if (_presence.OnlineName(userName) is not { } invitedName)
                return Error(ErrorCodes.NoSuchUser, $"'{userName}' is not online");
            if (room.Members.ContainsKey(Names.Key(invitedName)))
                return Error(ErrorCodes.AlreadyMember, $"'{invitedName}' is in '{room.Name}' already");
            userName = invitedName;
        }
        AddInvitation(room, new InviteEvent(room.Name, userName, session.User!), origin: session);
        if (!room.Transient)
            await cluster.PublishAsync(new MemberInvited(room.Name, userName, session.User!)).ConfigureAwait(false);
        return userName;
    }

    /// <summary>The rooms the user is invited to and not in, by name.</summary>
    public IReadOnlyList<string> InvitationsOf(Session session)
    {
        var me = session.UserKey!;
        lock (Topology)
            return _rooms.Values.Where(r => r.Invited.Contains(me) && !r.Members.ContainsKey(me)).Select(r => r.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Another node's invitation: the user may join past the room's moderation here too, and hears it if it is connected here.</summary>
    public void ApplyRemote(MemberInvited invited)
    {
        if (FindRoom(invited.Room) is { } room)
            AddInvitation(room, new InviteEvent(room.Name, invited.User, invited.By), origin: null);
    }

    /// <summary>Records the invitation and tells the invited user's sessions and the room's admins (but the inviting session).</summary>
    private void AddInvitation(RoomState room, InviteEvent invite, Session? origin)
    {
        var target = Names.Key(invite.User);
        Session[] admins;
        lock (Topology)
        {
            room.Invited.Add(target);
            // An account keeps its role when it leaves; only the admins in the room hear of invitations.
            admins = room.Roles.Where(r => r.Value >= RoomRole.Admin && room.Members.ContainsKey(r.Key)).SelectMany(r => _presence.SessionsOf(r.Key)).ToArray();
        }
        var broadcast = new Events.Broadcast(invite);
        Fanout.Deliver(broadcast, _presence.SessionsOf(target), except: null);
        Fanout.Deliver(broadcast, admins, except: origin);
    }

    /// <summary>Ends a transient room with its last member. Call under the topology lock.</summary>
    private void EndIfEmpty(RoomState room)
    {
        if (room.Transient && room.Members.IsEmpty)
            _rooms.TryRemove(new KeyValuePair<string, RoomState>(Names.Key(room.Name), room));
    }
}
