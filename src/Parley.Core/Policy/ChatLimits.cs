namespace Parley.Core.Policy;

/// <summary>The limits the hub enforces for every protocol. Bound from configuration by the host.</summary>
public sealed class ChatLimits
{
    public int MaxTextChars { get; set; } = 4000;
    public int MaxTopicChars { get; set; } = 300;
    public int MinPasswordLength { get; set; } = 8;
    public int MaxPasswordLength { get; set; } = 256;
    public int HistoryDefault { get; set; } = 50;
    public int HistoryMax { get; set; } = 200;

    /// <summary>How long after sending its author may recall a message (room admins recall any, any time).</summary>
    public TimeSpan RecallWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long after sending its author may edit a message.</summary>
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The most different emojis one message may carry as reactions.</summary>
    public int MaxReactionEmojis { get; set; } = 20;

    /// <summary>Most files one message carries.</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>Longest upload, in bytes: refused (413) as soon as more arrives.</summary>
    public long MaxUploadBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Uploads a user may start at once before <see cref="UploadsPerSecond"/> applies.</summary>
    public double UploadBurst { get; set; } = 20;

    /// <summary>Uploads a user may start per second, over time.</summary>
    public double UploadsPerSecond { get; set; } = 1;

    /// <summary>How long an upload waits to be sent before it is forgotten.</summary>
    public TimeSpan UnsentFileLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The largest page of a room's members (native <c>members</c>), and the size of the first page
    /// a <c>join</c> or <c>create</c> reply carries: joining a room of 10,000 must not send 10,000 names.
    /// </summary>
    public int MembersPageMax { get; set; } = 500;

    /// <summary>Login and register attempts one connection may make at once (each costs a slow password hash).</summary>
    public double SignInBurst { get; set; } = 5;

    /// <summary>Login and register attempts per second one connection may sustain.</summary>
    public double SignInPerSecond { get; set; } = 0.5;

    /// <summary>
    /// A sign-in token not used for this long (to resume a session or upload a file) is refused
    /// (<c>bad_token</c>) and deleted. Must be positive.
    /// </summary>
    public TimeSpan TokenIdleLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Failed logins for one user name before further attempts are refused for a while.</summary>
    public int LoginFailuresBeforeThrottle { get; set; } = 5;

    /// <summary>
    /// Failed logins one network address may make at once before every login from it is refused
    /// (<c>address_throttled</c>) until <see cref="AddressLoginFailuresPerMinute"/> frees one; 0 turns it off.
    /// </summary>
    public double AddressLoginFailures { get; set; } = 30;

    /// <summary>Failed logins per minute one address may sustain.</summary>
    public double AddressLoginFailuresPerMinute { get; set; } = 10;

    /// <summary>
    /// Loopback addresses are exempt from the per-address limits (failed logins, and the
    /// connections the host counts). Behind a proxy on the same host every client is loopback:
    /// those limits are then the proxy's to keep.
    /// </summary>
    public bool ExemptLoopback { get; set; } = true;

    /// <summary>The first refusal period; it doubles with every further failure, up to <see cref="LoginThrottleMax"/>.</summary>
    public TimeSpan LoginThrottleBase { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan LoginThrottleMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a message from another node may wait for an earlier one of the same conversation
    /// before it is delivered anyway (the earlier one may never come).
    /// </summary>
    public TimeSpan MessageGapTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Above this many members a room is large: native and WebSocket sessions are no longer told
    /// of each member's join, leave and presence there (a client watches the users it shows
    /// instead); sessions that keep whole member lists (IRC) still are. Each sign-in then costs
    /// the same in a lobby of 10,000 as in one of 10.
    /// </summary>
    public int LargeRoomMembers { get; set; } = 500;

    /// <summary>
    /// A session's <c>typing</c> in one conversation is relayed at most once per this interval
    /// (clients send one every 3 s while the user types); the others are accepted and dropped.
    /// </summary>
    public TimeSpan TypingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many users one session may watch (IRC MONITOR, ISUPPORT MONITOR=).</summary>
    public int MaxWatchedUsers { get; set; } = 100;

    /// <summary>The room every new user joins, created at first start.</summary>
    public string DefaultRoom { get; set; } = "lobby";

    /// <summary>Who may <c>register</c>; the host sets it from Registration (it is not read from the Limits section).</summary>
    public RegistrationMode Registration { get; set; } = RegistrationMode.Open;

    /// <summary>What guests may do; the host sets it from IrcGuests (it is not read from the Limits section).</summary>
    public GuestPolicy Guests { get; set; } = GuestPolicy.Limited;

    /// <summary>
    /// The keys of the server-wide admins' names; the host sets it from <c>Admins</c> (it is not read
    /// from the Limits section). They have every room power (<c>RoomDirectory.IsServerAdmin</c>).
    /// </summary>
    public IReadOnlySet<string> ServerAdmins { get; set; } = new HashSet<string>(StringComparer.Ordinal);
}
