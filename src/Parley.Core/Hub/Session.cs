using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// One connection of a client, whatever its protocol. A user may have several sessions at once.
/// The hub only ever hands a session a broadcast; how and when the bytes reach the socket is the
/// adapter's business, and it must never block the caller.
/// </summary>
public abstract partial class Session
{
    /// <summary>Where this session's deliveries and drops are counted: its hub's metrics; nowhere when null.</summary>
    public Diagnostics.ChatMetrics? Metrics { get; protected init; }

    /// <summary>The client's network address (no port), for limits kept per address; null when unknown.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The display name of the signed-in user, or null before authentication.</summary>
    public string? User
    {
        get => _user;
        internal set
        {
            _user = value;
            UserKey = value is null ? null : Names.Key(value);
        }
    }

    private string? _user;

    /// <summary><see cref="User"/> as a key: kept, because every send looks the sender up by it.</summary>
    internal string? UserKey { get; private set; }

    /// <summary>This connection's budget of login and register attempts (they cost a slow password hash).</summary>
    internal Policy.TokenBucket SignInAttempts;

    /// <summary>The hash of the token this session was opened with, revoked by logout.</summary>
    internal string? TokenHash { get; set; }

    /// <summary>The last use of <see cref="TokenHash"/> the store holds, as far as this session knows.</summary>
    internal DateTimeOffset TokenUseRecorded { get; set; }

    public bool IsAuthenticated => User is not null;

    /// <summary>Signed in without an account (IRC guests): nothing of the user is kept once it leaves.</summary>
    public bool IsGuest { get; internal set; }

    /// <summary>
    /// Its client says it is a bot (IRC user mode +B): the messages this session sends are marked
    /// so for their live delivery (<see cref="Model.LiveExtras.Bot"/>). Per connection, never stored.
    /// </summary>
    public bool IsBot
    {
        get => Volatile.Read(ref _bot);
        set => Volatile.Write(ref _bot, value);
    }

    private bool _bot;

    /// <summary>What others are told when this session's user goes offline (an IRC QUIT message, a KILL).</summary>
    public string? QuitReason { get; set; }

    /// <summary>
    /// Whether this session, watching users (IRC MONITOR), also wants to hear what they do that
    /// those sharing a room hear (away, real name: IRC extended-monitor), sharing a room or not.
    /// </summary>
    public virtual bool FollowsWatchedActivity => false;

    /// <summary>The connection has the server's powers beside its user's (an IRC operator): every room power, as a server-wide admin.</summary>
    public virtual bool HasServerPowers => false;

    /// <summary>
    /// Whether the client keeps every room's member list whole (IRC: NAMES, then JOIN, PART and
    /// QUIT), so it must hear each member come and go even in a large room (<see cref="Policy.ChatLimits.LargeRoomMembers"/>).
    /// </summary>
    public virtual bool KeepsFullMemberLists => false;

    /// <summary>
    /// Whether its watches are IRC MONITOR's: a watched user's coming and going is told as a
    /// <see cref="Events.WatchEvent"/> (730/731), besides the QUIT or JOIN a shared channel shows.
    /// Otherwise (native <c>watch</c>) it is told as the presence event room-mates get, once.
    /// </summary>
    public virtual bool WatchesAsMonitor => false;

    /// <summary>Queues the broadcast for writing. False means the session's queue is full: it is too slow.</summary>
    public abstract bool TryDeliver(Broadcast broadcast);

    /// <summary>Ends the session from the server side, telling the client why if it still can.</summary>
    public abstract void Close(string reason);

    /// <summary>Gives back buffers grown for a burst that has passed; the bytes given back. Called while the server is quiet.</summary>
    public virtual long ReleaseIdleMemory() => 0;
}
