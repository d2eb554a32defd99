using Parley.Core.Cluster;
using Parley.Core.Diagnostics;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;

namespace Parley.Core.Hub;

/// <summary>
/// The chat domain: accounts, rooms, messages, presence and fan-out, for every protocol at once.
/// Adapters call it with a <see cref="Session"/> and get a <see cref="Result{T}"/>; events reach
/// sessions through <see cref="Session.TryDeliver"/>. Changes made here are told to the other
/// nodes through the <see cref="IBackplane"/>, and theirs arrive in <see cref="OnRemote"/>, so
/// every node keeps the same view and delivers to its own sessions.
///
/// This class is the facade: it builds the owners, starts the node, and hands each call and each
/// other node's event to the owner of what it changes: <see cref="Accounts"/>, <see cref="Guests"/>,
/// <see cref="RoomDirectory"/> (rooms and memberships), <see cref="PresenceRegistry"/>,
/// <see cref="Messaging"/>, <see cref="Operators"/>, <see cref="People"/>. Each owner states its concurrency rule; in
/// short, the directory's topology lock (shared with presence) guards who is in which room and who
/// is connected, and is never held across I/O; the send path takes no hub lock: it reads immutable
/// session arrays and orders delivery per conversation in its <see cref="ConversationSequencer"/>.
/// </summary>
public sealed partial class ChatHub
{
    private readonly IChatStore _store;
    private readonly IBackplane _backplane;
    private readonly TimeProvider _time;
    private readonly ClusterPublisher _cluster;
    private readonly RoomDirectory _rooms;
    private readonly PresenceRegistry _presence;
    private readonly Accounts _accounts;
    private readonly Guests _guests;
    private readonly Messaging _messaging;
    private readonly Operators _operators;
    private readonly KnownUsers _knownUsers;
    private readonly People _people;
    private readonly Uploads _uploads;

    /// <param name="links">Signs download links; one with a key of its own when null (links then work on this process only).</param>
    /// <param name="metrics">Where the hub counts what /metrics shows; counts published nowhere when null.</param>
    public ChatHub(IChatStore store, IBackplane backplane, IPasswordHasher hasher, TimeProvider time, ChatLimits limits, FileLinks? links = null,
        ChatMetrics? metrics = null)
    {
        Metrics = metrics ?? new ChatMetrics();
        _store = store;
        _backplane = backplane;
        _time = time;
        Limits = limits;
        _cluster = new ClusterPublisher(backplane);
        var knownUsers = new KnownUsers(store);
        var sequencers = new SequencerFactory(store, time, limits, Metrics);
        _rooms = new RoomDirectory(store, time, limits, _cluster, knownUsers, sequencers);
        _presence = new PresenceRegistry(_rooms, _cluster, limits);
        _rooms.Use(_presence);
        _operators = new Operators(_presence, _cluster);
        _knownUsers = knownUsers;
        var tokens = new SessionTokens(store, time, limits);
        _accounts = new Accounts(store, hasher, time, limits, _rooms, _presence, knownUsers, _cluster, _operators, tokens, new Invitations(store, time));
        _guests = new Guests(knownUsers, _presence, limits, time);
        _messaging = new Messaging(store, backplane, time, limits, _rooms, _presence, knownUsers, _cluster, sequencers);
        _people = new People(store, _presence, knownUsers, _cluster);
        _rooms.Notices = _messaging.PostNoticeAsync;
        _uploads = new Uploads(store, time, limits, tokens);
        Links = links ?? new FileLinks(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), time);
    }

    /// <summary>What this hub and its sessions count (sign-ins, messages stored, deliveries, drops, refusals).</summary>
    public ChatMetrics Metrics { get; }

    /// <summary>The download links messages carry for their files.</summary>
    public FileLinks Links { get; }

    public ChatLimits Limits { get; }

    /// <summary>This node's id among the nodes sharing the store.</summary>
    public string NodeId => _backplane.NodeId;

    /// <inheritdoc cref="ClusterPublisher.Failed"/>
    public event Action<ClusterEvent, Exception>? BackplaneFailed
    {
        add => _cluster.Failed += value;
        remove => _cluster.Failed -= value;
    }

    /// <summary>Loads rooms and memberships from the store and joins the cluster. Call once before serving.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _store.InitializeAsync(Limits.DefaultRoom, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await _rooms.LoadAsync().ConfigureAwait(false);
        await _backplane.StartAsync(OnRemote, _presence.LocalUsers, cancellationToken).ConfigureAwait(false);
        foreach (var presence in await _backplane.RemotePresenceAsync().ConfigureAwait(false))
            OnRemote(presence);
    }

    // A sign-in is the account's (Accounts), completed with what the user keeps of people (People:
    // its blocks, its display name). A new account has neither: registering asks the store nothing more.
    public async Task<Result<SessionStart>> RegisterAsync(Session session, string name, string password, string? invitation = null) =>
        CountSignIn(session, await _accounts.RegisterAsync(session, name, password, invitation).ConfigureAwait(false));

    public async Task<Result<SessionStart>> LoginAsync(Session session, string name, string password) =>
        CountSignIn(session, await _people.CompleteSignInAsync(session, await _accounts.LoginAsync(session, name, password).ConfigureAwait(false)).ConfigureAwait(false));

    public async Task<Result<SessionStart>> ResumeAsync(Session session, string token) =>
        CountSignIn(session, await _people.CompleteSignInAsync(session, await _accounts.ResumeAsync(session, token).ConfigureAwait(false)).ConfigureAwait(false));

    /// <inheritdoc cref="People.FindAsync"/>
    public Task<Result<DirectoryPage>> FindUsersAsync(string? prefix, int? limit = null, string? after = null) => _people.FindAsync(prefix, limit, after);

    /// <inheritdoc cref="People.ProfileAsync"/>
    public Task<Result<PersonInfo>> ProfileAsync(Session session, string? userName) => _people.ProfileAsync(session, userName);

    /// <inheritdoc cref="People.ProfilesAsync"/>
    public Task<Result<IReadOnlyList<PersonInfo>>> ProfilesAsync(IReadOnlyList<string> userNames) => _people.ProfilesAsync(userNames);

    /// <inheritdoc cref="People.SetProfileAsync"/>
    public Task<Result<PersonInfo>> SetProfileAsync(Session session, string? display, string? status) => _people.SetProfileAsync(session, display, status);

    /// <inheritdoc cref="People.BlockAsync"/>
    public Task<Result<string>> BlockAsync(Session session, string userName, bool on) => _people.BlockAsync(session, userName, on);

    /// <inheritdoc cref="People.OpenDirectAsync"/>
    public Task<Result<string>> OpenDirectAsync(Session session, string withName) => _people.OpenDirectAsync(session, withName);

    /// <inheritdoc cref="Accounts.LogoutAsync"/>
    public Task<Result<Done>> LogoutAsync(Session session) => _accounts.LogoutAsync(session);

    public async Task<Result<SessionStart>> SignInGuestAsync(Session session, string name) =>
        CountSignIn(session, await _guests.SignInGuestAsync(session, name).ConfigureAwait(false));

    private Result<SessionStart> CountSignIn(Session session, Result<SessionStart> result)
    {
        if (result.Value is { } start)
            _messaging.SetLiveFloors(session, start);
        Metrics.SignedIn(result.Ok);
        if (result.Error?.Code == ErrorCodes.RateLimited)
            Metrics.SignInRateLimited();
        return result;
    }

    /// <inheritdoc cref="Guests.RenameAsync"/>
    public Task<Result<string>> RenameGuestAsync(Session session, string name) => _guests.RenameAsync(session, name);

    /// <summary>The sessions of a user on this node (an adapter showing what its own protocol knows of them, e.g. an IRC user name).</summary>
    public IReadOnlyList<Session> LocalSessions(string userName) => _presence.SessionsOf(Names.Key(userName));

    /// <inheritdoc cref="PresenceRegistry.SetAwayAsync"/>
    public Task SetAwayAsync(Session session, string? message) => _presence.SetAwayAsync(session, message);

    /// <inheritdoc cref="PresenceRegistry.AwayOf"/>
    public string? AwayOf(string userName) => _presence.AwayOf(userName);

    /// <inheritdoc cref="PresenceRegistry.Watch"/>
    public (IReadOnlyList<(string Name, string? Online)> Watched, IReadOnlyList<string> Refused) Watch(Session session, IReadOnlyList<string> names) =>
        _presence.Watch(session, names, Limits.MaxWatchedUsers);

    /// <summary>
    /// Makes <paramref name="names"/> the session's whole watch list (native <c>watch</c>): it hears
    /// their presence from now on, sharing a room or not. At most <see cref="ChatLimits.MaxWatchedUsers"/> names.
    /// </summary>
    public Result<IReadOnlyList<MemberInfo>> WatchOnly(Session session, IReadOnlyList<string> names)
    {
        if (names.Count > Limits.MaxWatchedUsers)
            return ChatErrors.Error(ErrorCodes.BadField, $"watch at most {Limits.MaxWatchedUsers} users at once");
        if (names.FirstOrDefault(n => !Names.IsValid(n)) is { } bad)
            return ChatErrors.Error(ErrorCodes.BadName, $"'{bad}' is not a user name: a name is {Names.Rule}");
        return new Result<IReadOnlyList<MemberInfo>>(_presence.ReplaceWatches(session, names), null);
    }

    /// <inheritdoc cref="RoomDirectory.AnnounceLargeRoomCounts"/>
    public void AnnounceLargeRoomCounts() => _rooms.AnnounceLargeRoomCounts();

    /// <inheritdoc cref="PresenceRegistry.Unwatch"/>
    public void Unwatch(Session session, IEnumerable<string> names) => _presence.Unwatch(session, names);

    /// <inheritdoc cref="PresenceRegistry.ForgetWatches"/>
    public void ClearWatches(Session session) => _presence.ForgetWatches(session);

    /// <inheritdoc cref="PresenceRegistry.Watched"/>
    public IReadOnlyList<(string Name, string? Online)> Watched(Session session) => _presence.Watched(session);

    /// <inheritdoc cref="PresenceRegistry.SetRealName"/>
    public void SetRealName(Session session, string realName) => _presence.SetRealName(session, realName);

    /// <inheritdoc cref="PresenceRegistry.RealNameOf"/>
    public string? RealNameOf(string userName) => _presence.RealNameOf(userName);

    /// <inheritdoc cref="PresenceRegistry.OnlineName"/>
    public string? OnlineName(string userName) => _presence.OnlineName(userName);

    /// <inheritdoc cref="PresenceRegistry.Detach"/>
    public void Detach(Session session)
    {
        _presence.Detach(session);
        _accounts.Ended(session);
    }

    /// <inheritdoc cref="PresenceRegistry.Online"/>
    public Result<IReadOnlyList<string>> Online() => _presence.Online();

    public bool IsOnline(string userName) => _presence.IsOnline(userName);

    /// <inheritdoc cref="Messaging.MessagesSeen"/>
    public long MessagesSeen => _messaging.MessagesSeen;

    /// <inheritdoc cref="PresenceRegistry.ReleaseIdleMemory"/>
    public long ReleaseIdleMemory() => _presence.ReleaseIdleMemory();

    public Result<IReadOnlyList<RoomSummary>> Rooms(Session session) => _rooms.Rooms(session);

    /// <inheritdoc cref="RoomDirectory.CreateRoomAsync"/>
    public Task<Result<JoinResult>> CreateRoomAsync(Session session, string name, string? topic) => _rooms.CreateRoomAsync(session, name, topic);

    /// <inheritdoc cref="RoomDirectory.JoinAsync"/>
    public Task<Result<JoinResult>> JoinAsync(Session session, string name, string? key = null) => _rooms.JoinAsync(session, name, key);

    /// <inheritdoc cref="RoomDirectory.Moderation"/>
    public Result<RoomModeration> Moderation(string roomName) => _rooms.Moderation(roomName);

    /// <inheritdoc cref="RoomDirectory.ChangeAsync"/>
    public Task<Result<IReadOnlyList<RoomChange>>> ChangeRoomAsync(Session session, string roomName, IReadOnlyList<RoomChange> changes) =>
        _rooms.ChangeAsync(session, roomName, changes);

    /// <inheritdoc cref="RoomDirectory.KickAsync"/>
    public Task<Result<string>> KickAsync(Session session, string roomName, string userName, string reason) =>
        _rooms.KickAsync(session, roomName, userName, reason);

    /// <inheritdoc cref="RoomDirectory.Invite"/>
    public Task<Result<string>> InviteAsync(Session session, string roomName, string userName) => _rooms.InviteAsync(session, roomName, userName);

    /// <inheritdoc cref="RoomDirectory.Settings"/>
    public Result<RoomSettings> RoomSettings(Session session, string roomName) => _rooms.Settings(session, roomName);

    /// <inheritdoc cref="RoomDirectory.BanAsync"/>
    public Task<Result<string>> BanAsync(Session session, string roomName, string userName, DateTimeOffset? until, string reason) =>
        _rooms.BanAsync(session, roomName, userName, until, reason);

    /// <inheritdoc cref="RoomDirectory.UnbanAsync"/>
    public Task<Result<string>> UnbanAsync(Session session, string roomName, string userName) => _rooms.UnbanAsync(session, roomName, userName);

    /// <inheritdoc cref="RoomDirectory.MuteAsync"/>
    public Task<Result<string>> MuteAsync(Session session, string roomName, string userName, bool on, DateTimeOffset? until = null) =>
        _rooms.MuteAsync(session, roomName, userName, on, until);

    /// <inheritdoc cref="RoomDirectory.SetRoleAsync"/>
    public Task<Result<string>> SetRoleAsync(Session session, string roomName, string userName, RoomRole role) =>
        _rooms.SetRoleAsync(session, roomName, userName, role);

    /// <inheritdoc cref="RoomDirectory.ConfigureAsync"/>
    public Task<Result<Done>> ConfigureRoomAsync(Session session, string roomName, bool? isPrivate, bool? moderated, bool? topicLocked, string? topic) =>
        _rooms.ConfigureAsync(session, roomName, isPrivate, moderated, topicLocked, topic);

    /// <inheritdoc cref="RoomDirectory.AddMemberAsync"/>
    public Task<Result<string>> AddMemberAsync(Session session, string roomName, string userName) => _rooms.AddMemberAsync(session, roomName, userName);

    /// <inheritdoc cref="RoomDirectory.DeleteAsync"/>
    public Task<Result<string>> DeleteRoomAsync(Session session, string roomName) => _rooms.DeleteAsync(session, roomName);

    /// <inheritdoc cref="RoomDirectory.InvitationsOf"/>
    public IReadOnlyList<string> InvitationsOf(Session session) => _rooms.InvitationsOf(session);

    /// <inheritdoc cref="RoomDirectory.LeaveAsync"/>
    public Task<Result<string>> LeaveAsync(Session session, string name, string? reason = null) => _rooms.LeaveAsync(session, name, reason);

    public Task<Result<Done>> SetTopicAsync(Session session, string name, string topic) => _rooms.SetTopicAsync(session, name, topic);

    /// <inheritdoc cref="RoomDirectory.SharedRooms"/>
    public IReadOnlyList<string> SharedRooms(string userName, string otherName) => _rooms.SharedRooms(userName, otherName);

    public Result<IReadOnlyList<MemberInfo>> Members(string name) => _rooms.Members(name);

    /// <inheritdoc cref="RoomDirectory.MembersPage"/>
    public Result<MemberPage> MembersPage(string name, int? limit = null, string? after = null, string? query = null) =>
        _rooms.MembersPage(name, limit, after, query);

    /// <inheritdoc cref="Messaging.SendToRoomAsync"/>
    public Task<Result<StoredMessage>> SendToRoomAsync(Session session, string roomName, string text, LiveExtras? live = null, long? replyTo = null) =>
        _messaging.SendToRoomAsync(session, roomName, text, live, replyTo);

    /// <inheritdoc cref="Messaging.StartSendToRoom"/>
    public Result<Task<StoredMessage>> StartSendToRoom(Session session, string roomName, string text, long? replyTo = null) =>
        _messaging.StartSendToRoom(session, roomName, text, replyTo: replyTo);

    /// <inheritdoc cref="Messaging.SendFilesAsync"/>
    public Task<Result<StoredMessage>> SendFilesAsync(Session session, string? roomName, string? toName, string text, IReadOnlyList<string> fileIds,
        long? replyTo = null) =>
        _messaging.SendFilesAsync(session, roomName, toName, text, fileIds, replyTo);

    /// <inheritdoc cref="Uploads.UserOfTokenAsync"/>
    public Task<string?> UserOfTokenAsync(string token) => _uploads.UserOfTokenAsync(token);

    /// <inheritdoc cref="Uploads.TryStart"/>
    public ChatError? TryStartUpload(string userName)
    {
        var refused = _uploads.TryStart(userName);
        if (refused?.Code == ErrorCodes.RateLimited)
            Metrics.UploadRateLimited();
        return refused;
    }

    /// <inheritdoc cref="Uploads.AddAsync"/>
    public Task<Attachment> AddUploadAsync(string userName, string name, long size, string type, int? width, int? height, string hash, string? thumbHash) =>
        _uploads.AddAsync(userName, name, size, type, width, height, hash, thumbHash);

    /// <summary>The file of that id, sent or not; null when there is none.</summary>
    public Task<StoredFile?> FindFileAsync(string id) => _store.FindFileAsync(id);

    /// <inheritdoc cref="Messaging.SendDirectAsync"/>
    public Task<Result<StoredMessage>> SendDirectAsync(Session session, string toName, string text, LiveExtras? live = null, long? replyTo = null) =>
        _messaging.SendDirectAsync(session, toName, text, live, replyTo);

    /// <inheritdoc cref="Messaging.EditAsync"/>
    public Task<Result<StoredMessage>> EditAsync(Session session, string? roomName, string? withName, long seq, string text) =>
        _messaging.EditAsync(session, roomName, withName, seq, text);

    /// <inheritdoc cref="Messaging.RecallAsync"/>
    public Task<Result<StoredMessage>> RecallAsync(Session session, string? roomName, string? withName, long seq, string? reason = null) =>
        _messaging.RecallAsync(session, roomName, withName, seq, reason);

    /// <inheritdoc cref="Messaging.ReactAsync"/>
    public Task<Result<StoredMessage>> ReactAsync(Session session, string? roomName, string? withName, long seq, string emoji, bool on) =>
        _messaging.ReactAsync(session, roomName, withName, seq, emoji, on);

    /// <inheritdoc cref="Messaging.ChangesAsync"/>
    public Task<Result<ChangesPage>> ChangesAsync(Session session, string? roomName, string? withName, long afterRev, int? limit) =>
        _messaging.ChangesAsync(session, roomName, withName, afterRev, limit);

    /// <inheritdoc cref="Messaging.SignalAsync"/>
    public Task<Result<SignalEvent>> SignalAsync(Session session, string? roomName, string? toName, string clientTags) =>
        _messaging.SignalAsync(session, roomName, toName, clientTags);

    /// <inheritdoc cref="Messaging.HistoryAfterAsync"/>
    public Task<Result<HistoryPage>> HistoryAfterAsync(Session session, string? roomName, string? withName, long afterSeq, int? limit) =>
        _messaging.HistoryAfterAsync(session, roomName, withName, afterSeq, limit);

    /// <inheritdoc cref="Messaging.SeqAtAsync(Session, string?, string?, DateTimeOffset)"/>
    public Task<Result<long>> SeqAtAsync(Session session, string? roomName, string? withName, DateTimeOffset time) =>
        _messaging.SeqAtAsync(session, roomName, withName, time);

    /// <inheritdoc cref="Messaging.FindMessageAsync"/>
    public Task<Result<StoredMessage?>> FindMessageAsync(Session session, string? roomName, string? withName, string id) =>
        _messaging.FindMessageAsync(session, roomName, withName, id);

    /// <inheritdoc cref="Messaging.HistoryAsync"/>
    public Task<Result<HistoryPage>> HistoryAsync(Session session, string? roomName, string? withName, long? beforeSeq, int? limit) =>
        _messaging.HistoryAsync(session, roomName, withName, beforeSeq, limit);

    /// <inheritdoc cref="Messaging.SearchAsync"/>
    public Task<Result<SearchPage>> SearchAsync(Session session, string text, string? roomName, string? withName, SearchCursor? before, int? limit) =>
        _messaging.SearchAsync(session, text, roomName, withName, before, limit);

    /// <inheritdoc cref="Messaging.MarkReadAsync"/>
    public Task<Result<Done>> MarkReadAsync(Session session, string? roomName, string? withName, long seq) =>
        _messaging.MarkReadAsync(session, roomName, withName, seq);

    /// <inheritdoc cref="Messaging.ReadMarkAsync"/>
    public Task<Result<ReadMark?>> ReadMarkAsync(Session session, string? roomName, string? withName) =>
        _messaging.ReadMarkAsync(session, roomName, withName);

    /// <inheritdoc cref="Messaging.MarkReadAtAsync"/>
    public Task<Result<ReadMark?>> MarkReadAtAsync(Session session, string? roomName, string? withName, DateTimeOffset time) =>
        _messaging.MarkReadAtAsync(session, roomName, withName, time);

    /// <inheritdoc cref="Operators.KillAsync"/>
    public Task<bool> KillAsync(string userName, string reason) => _operators.KillAsync(userName, reason);

    /// <inheritdoc cref="Operators.AnnounceAsync"/>
    public Task AnnounceAsync(string from, string text) => _operators.AnnounceAsync(from, text);

    /// <summary>
    /// Applies another node's change to this node's view and delivers it to this node's sessions:
    /// each event goes to the owner of what it changes. Called one event at a time, in channel order.
    /// </summary>
    private void OnRemote(ClusterEvent clusterEvent)
    {
        switch (clusterEvent)
        {
            case MessageStored stored:
                _messaging.ApplyRemote(stored);
                break;
            case BackplaneReconnected:
                _ = _messaging.CatchUpAfterReconnectAsync();
                break;
            case RoomCreated created:
                _rooms.AddRoom(created.Room, created.Topic, created.Creator);
                break;
            case MembershipChanged change:
                _rooms.ApplyRemote(change);
                break;
            case TopicChanged change:
                _rooms.ApplyRemote(change);
                break;
            case ReadMoved read:
                _messaging.ApplyRemote(read);
                break;
            case NodePresence presence:
                _presence.ApplyRemote(presence);
                break;
            case NodeLost lost:
                _presence.ApplyRemote(lost);
                break;
            case AwayChanged away:
                _presence.ApplyRemote(away);
                break;
            case Announced announced:
                _operators.ApplyRemote(announced);
                break;
            case RoomModerated moderated:
                _rooms.ApplyRemote(moderated);
                break;
            case MemberKicked kicked:
                _rooms.ApplyRemote(kicked);
                break;
            case MemberInvited invited:
                _rooms.ApplyRemote(invited);
                break;
            case RoomDeleted deleted:
                _rooms.ApplyRemote(deleted);
                break;
            case MessageChanged changed:
                _ = _messaging.ApplyRemoteAsync(changed);
                break;
            case Signaled signaled:
                _messaging.ApplyRemote(signaled);
                break;
            case UserKilled killed:
                if (killed.Bye == ByeReasons.AccountDeleted)
                    _knownUsers.MarkDeleted(Names.Key(killed.User));
                _operators.ApplyRemote(killed);
                break;
            case ProfileChanged profile:
                _people.ApplyRemote(profile);
                break;
            case BlockChanged block:
                _people.ApplyRemote(block);
                break;
            case DirectOpened opened:
                _people.ApplyRemote(opened);
                break;
        }
    }
}
