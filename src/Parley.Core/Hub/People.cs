using System.Buffers.Text;
using System.Text;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>
/// People: the user directory, profiles (display name, status), blocks, and direct conversations
/// opened before their first message. Everything here is stored, so it holds on every node and
/// across reloads; changes are told to the user's other sessions (and, for a profile, to its
/// room-mates) on every node through the backplane.
///
/// Concurrency: no state and no lock of its own; deliveries go through <see cref="PresenceRegistry"/>,
/// which takes the topology lock for the audience only. Whether a recipient blocks a sender is asked
/// of the store at each direct message (<see cref="Messaging"/>): a block must hold at once on
/// every node, and a cache would need invalidating across nodes for a read that costs one index seek.
/// </summary>
internal sealed class People(IChatStore store, PresenceRegistry presence, KnownUsers knownUsers, ClusterPublisher cluster)
{
    /// <summary>
    /// A page of the directory: users whose login name starts with <paramref name="prefix"/>,
    /// ignoring case (simple case mapping, the same that makes a name's key, so it holds for any
    /// script), by login name, each with its presence and profile.
    /// </summary>
    public async Task<Result<DirectoryPage>> FindAsync(string? prefix, int? limit, string? after)
    {
        prefix ??= "";
        if (TextLength.Exceeds(prefix, PeopleLimits.MaxPrefixChars))
            return Error(ErrorCodes.BadField, $"a prefix is at most {PeopleLimits.MaxPrefixChars} characters");
        var size = limit ?? PeopleLimits.UsersPageDefault;
        if (size is < 1 or > PeopleLimits.UsersPageMax)
            return Error(ErrorCodes.BadField, $"'limit' is 1 to {PeopleLimits.UsersPageMax}");
        string? afterKey = null;
        if (after is not null && (afterKey = DecodeCursor(after)) is null)
            return Error(ErrorCodes.BadCursor, "'after' is not the 'next' of a 'users' reply");

        var found = await store.SearchUsersAsync(Names.Key(prefix), afterKey, size + 1).ConfigureAwait(false);
        var page = found.Take(size)
            .Select(p => new PersonInfo(p.User, presence.IsOnlineKey(Names.Key(p.User)), p.Display, p.Status))
            .ToList();
        var next = found.Count > size ? EncodeCursor(Names.Key(page[^1].User)) : null;
        return new DirectoryPage(page, next);
    }

    /// <summary>A user's profile and presence, and whether the session's user blocks it; the session's own without a name.</summary>
    public async Task<Result<PersonInfo>> ProfileAsync(Session session, string? userName)
    {
        userName ??= session.User!;
        if (!Names.IsValid(userName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        var key = Names.Key(userName);
        if (await store.FindProfileAsync(key).ConfigureAwait(false) is not { } profile)
            return Error(ErrorCodes.NoSuchUser, $"there is no user '{userName}'");
        var blocked = !session.IsGuest && key != session.UserKey && await store.BlocksAsync(session.UserKey!, key).ConfigureAwait(false);
        return Describe(profile) with { Blocked = blocked };
    }

    /// <summary>
    /// The profiles and presence of several users at once, in the order asked, each once; names
    /// with no account are left out. For a client showing display names in a member list or beside
    /// messages: one request for a screenful instead of one per person.
    /// </summary>
    public async Task<Result<IReadOnlyList<PersonInfo>>> ProfilesAsync(IReadOnlyList<string> userNames)
    {
        if (userNames.Count > PeopleLimits.UsersPageMax)
            return Error(ErrorCodes.BadField, $"ask for at most {PeopleLimits.UsersPageMax} profiles at once");
        if (userNames.FirstOrDefault(n => !Names.IsValid(n)) is { } bad)
            return Error(ErrorCodes.BadName, $"'{bad}' is not a user name: a name is {Names.Rule}");
        var keys = userNames.Select(Names.Key).Distinct(StringComparer.Ordinal).ToList();
        var found = await Task.WhenAll(keys.Select(store.FindProfileAsync)).ConfigureAwait(false);
        return found.OfType<Profile>().Select(Describe).ToList();
    }

    /// <summary>
    /// Changes the session's user's display name and/or status (null leaves one as it is, "" clears
    /// it); its sessions, room-mates and followers hear of it on every node, the display name
    /// becoming its IRC real name.
    /// </summary>
    public async Task<Result<PersonInfo>> SetProfileAsync(Session session, string? display, string? status)
    {
        if (session.IsGuest)
            return GuestNotAllowed("have a profile");
        if (display is null && status is null)
            return Error(ErrorCodes.MissingField, "'profile' sets 'display' or 'status' (or names a 'user' to read)");
        if (display is { Length: > 0 } && DisplayNameProblem(display) is { } problem)
            return Error(ErrorCodes.BadDisplayName, problem);
        if (status is not null && TextLength.Exceeds(status, PeopleLimits.MaxStatusChars))
            return Error(ErrorCodes.StatusTooLong, $"a status is at most {PeopleLimits.MaxStatusChars} characters");
        if (status is not null && status.Any(char.IsControl))
            return Error(ErrorCodes.BadField, "a status is one line, without control characters");

        if (await store.SetProfileAsync(session.UserKey!, display, status).ConfigureAwait(false) is not { } profile)
            return Error(ErrorCodes.NoSuchUser, "your account no longer exists");
        var displayChanged = display is not null;
        presence.ApplyProfile(session.UserKey!, new ProfileEvent(profile.User, profile.Display, profile.Status, displayChanged), origin: session);
        await cluster.PublishAsync(new ProfileChanged(profile.User, profile.Display, profile.Status, displayChanged)).ConfigureAwait(false);
        return Describe(profile);
    }

    /// <summary>Another node's user changed its profile: this node's sessions that hear of it are told, and its real name here follows.</summary>
    public void ApplyRemote(ProfileChanged changed) =>
        presence.ApplyProfile(Names.Key(changed.User), new ProfileEvent(changed.User, changed.Display, changed.Status, changed.DisplayChanged), origin: null);

    /// <summary>
    /// Blocks (or unblocks) a user: its direct messages to the session's user are refused with
    /// <see cref="ErrorCodes.Blocked"/>, and the blocker's clients collapse its room messages
    /// (the server still delivers them: the blocker may unfold them). Returns the user's display name.
    /// </summary>
    public async Task<Result<string>> BlockAsync(Session session, string userName, bool on)
    {
        if (session.IsGuest)
            return GuestNotAllowed("block users");
        if (!Names.IsValid(userName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (await knownUsers.FindNameAsync(userName).ConfigureAwait(false) is not { } name)
            return Error(ErrorCodes.NoSuchUser, $"there is no user '{userName}'");
        if (Names.Key(name) == session.UserKey)
            return Error(ErrorCodes.BadField, "you cannot block yourself");
        await store.SetBlockedAsync(session.UserKey!, Names.Key(name), on).ConfigureAwait(false);
        presence.TellOwnSessions(session.User!, new BlockEvent(name, on), origin: session);
        await cluster.PublishAsync(new BlockChanged(session.User!, name, on)).ConfigureAwait(false);
        return name;
    }

    public void ApplyRemote(BlockChanged changed) =>
        presence.TellOwnSessions(changed.User, new BlockEvent(changed.Target, changed.On), origin: null);

    /// <summary>
    /// Puts a direct conversation with <paramref name="withName"/> in the session's user's list
    /// before any message is sent (a DM started from a member list or the directory): it comes back
    /// in every sign-in's <c>dms</c>, on every device. Its other sessions hear of it. Refused when
    /// the other user blocks this one, as a message would be. Returns the other user's display name.
    /// </summary>
    public async Task<Result<string>> OpenDirectAsync(Session session, string withName)
    {
        if (session.IsGuest)
            return GuestNotAllowed("have direct conversations");
        if (!Names.IsValid(withName))
            return Error(ErrorCodes.BadName, $"a user name is {Names.Rule}");
        if (await knownUsers.FindNameAsync(withName).ConfigureAwait(false) is not { } with)
            return Error(ErrorCodes.NoSuchUser, $"there is no user '{withName}'");
        if (await store.BlocksAsync(Names.Key(with), session.UserKey!).ConfigureAwait(false))
            return Blocked(with);
        await store.OpenDirectAsync(session.UserKey!, ConversationKey.ForDirect(session.User!, with), with).ConfigureAwait(false);
        presence.TellOwnSessions(session.User!, new DirectOpenedEvent(with), origin: session);
        await cluster.PublishAsync(new DirectOpened(session.User!, with)).ConfigureAwait(false);
        return with;
    }

    public void ApplyRemote(DirectOpened opened) =>
        presence.TellOwnSessions(opened.User, new DirectOpenedEvent(opened.With), origin: null);

    public static ChatError Blocked(string name) =>
        Error(ErrorCodes.Blocked, $"'{name}' does not accept direct messages from you");

    /// <summary>
    /// Completes a sign-in (<see cref="Accounts"/>): the reply gets the user's block list, and a
    /// display name becomes the real name its IRC sessions here show. A failure here signs the
    /// session out again, as the sign-in's own failures do.
    /// </summary>
    public async Task<Result<SessionStart>> CompleteSignInAsync(Session session, Result<SessionStart> started)
    {
        if (!started.Ok || session.IsGuest)
            return started;
        try
        {
            var key = Names.Key(started.Value!.User);
            var blockedTask = store.BlockedAsync(key);
            var profile = await store.FindProfileAsync(key).ConfigureAwait(false);
            var blocked = (await blockedTask.ConfigureAwait(false)).Order(StringComparer.OrdinalIgnoreCase).ToList();
            if (profile?.Display is not null)
                presence.ApplyProfile(key, new ProfileEvent(profile.User, profile.Display, profile.Status), origin: null, tell: false);
            return started.Value with { Blocked = blocked };
        }
        catch
        {
            presence.Detach(session);
            session.TokenHash = null;
            throw;
        }
    }

    private PersonInfo Describe(Profile profile) =>
        new(profile.User, presence.IsOnlineKey(Names.Key(profile.User)), profile.Display, profile.Status);

    /// <summary>Why a display name is refused, or null: it must show something, fit, and be one line (it is also an IRC real name).</summary>
    private static string? DisplayNameProblem(string display)
    {
        if (BlankText.IsBlank(display))
            return "a display name must show something";
        if (TextLength.Exceeds(display, PeopleLimits.MaxDisplayNameChars))
            return $"a display name is at most {PeopleLimits.MaxDisplayNameChars} characters";
        if (display.Any(char.IsControl))
            return "a display name is one line, without control characters";
        return null;
    }

    /// <summary>The cursor is the last key of a page, opaque to clients (base64url) so that its form may change.</summary>
    private static string EncodeCursor(string key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    private static string? DecodeCursor(string cursor)
    {
        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return key.Length > 0 && key == Names.Key(key) && !key.Contains(':') ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
