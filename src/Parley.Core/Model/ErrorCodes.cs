namespace Parley.Core.Model;

/// <summary>
/// Every stable error code any adapter may send. They are the contract with clients and are
/// listed, with their meaning, in docs/protocol.md: add codes, never rename one.
/// </summary>
public static class ErrorCodes
{
    // Framing and syntax (protocol adapters).
    public const string BadJson = "bad_json";
    public const string BadUtf8 = "bad_utf8";
    public const string NotObject = "not_object";
    public const string UnknownType = "unknown_type";
    public const string MissingField = "missing_field";
    public const string BadField = "bad_field";
    /// <summary>A paging cursor (<c>members</c>' <c>after</c>) that no reply of this server made.</summary>
    public const string BadCursor = "bad_cursor";
    public const string LineTooLong = "line_too_long";

    // Session state.
    public const string Unauthenticated = "unauthenticated";
    public const string AlreadyAuthenticated = "already_authenticated";
    public const string RateLimited = "rate_limited";

    // Accounts.
    public const string BadName = "bad_name";
    public const string BadPassword = "bad_password";
    public const string UserExists = "user_exists";
    public const string BadCredentials = "bad_credentials";
    public const string Throttled = "throttled";
    public const string BadToken = "bad_token";
    public const string NoSuchUser = "no_such_user";
    public const string GuestNotAllowed = "guest_not_allowed";
    /// <summary>The account is disabled by the operator: right password, but no sign-in.</summary>
    public const string AccountDisabled = "disabled";
    /// <summary><c>register</c> on a server whose Registration is closed: only the operator makes accounts.</summary>
    public const string RegistrationClosed = "registration_closed";
    /// <summary><c>register</c> without a valid invitation code where Registration is invite (missing, unknown, used up, expired).</summary>
    public const string BadInvitation = "bad_invitation";
    /// <summary>Too many failed logins from one network address lately (<c>Limits:AddressLoginFailures</c>).</summary>
    public const string AddressThrottled = "address_throttled";


    // Rooms and messages.
    public const string NoSuchRoom = "no_such_room";
    public const string RoomExists = "room_exists";
    public const string NotMember = "not_member";
    public const string TextTooLong = "text_too_long";
    public const string EmptyText = "empty_text";
    public const string TopicTooLong = "topic_too_long";
    /// <summary>A message (to edit, recall, react to, reply to, or the operator's <c>admin.remove</c>) that is not stored, or was recalled.</summary>
    public const string NoSuchMessage = "no_such_message";
    /// <summary>Only a message's author edits it, or recalls it (room admins recall any).</summary>
    public const string NotAuthor = "not_author";
    /// <summary>The author's time to edit or recall a message is over.</summary>
    public const string TooLate = "too_late";
    /// <summary>A reaction that is not a single emoji.</summary>
    public const string BadEmoji = "bad_emoji";
    /// <summary>A message has as many different emoji reactions as it may (<c>Limits:MaxReactionEmojis</c>).</summary>
    public const string TooManyReactions = "too_many_reactions";
    // Files.
    /// <summary>An attachment that is not an upload of the sender's, or was sent already; a download of a file that is gone.</summary>
    public const string NoSuchFile = "no_such_file";
    /// <summary>An upload longer than <c>Limits:MaxUploadBytes</c> (HTTP 413).</summary>
    public const string FileTooLarge = "file_too_large";
    /// <summary>An image of more pixels than the server decodes (a decompression bomb, or a huge picture).</summary>
    public const string ImageTooLarge = "image_too_large";
    /// <summary>A file whose bytes say it is an image that cannot be decoded.</summary>
    public const string BadImage = "bad_image";
    /// <summary>A download link whose signature is wrong or whose time is over.</summary>
    public const string BadLink = "bad_link";

    // Moderation.
    public const string NotPermitted = "not_permitted";
    public const string Banned = "banned";
    public const string InviteOnly = "invite_only";
    public const string BadKey = "bad_key";
    public const string RoomFull = "room_full";
    public const string Muted = "muted";
    public const string NotInRoom = "not_in_room";
    public const string AlreadyMember = "already_member";

    // People.
    /// <summary>A direct message (or <c>open</c>) to a user who blocks the sender.</summary>
    public const string Blocked = "blocked";
    /// <summary>A display name that is blank, too long, or holds control characters.</summary>
    public const string BadDisplayName = "bad_display_name";
    public const string StatusTooLong = "status_too_long";

    // Server side.
    public const string Unavailable = "unavailable";
    public const string Internal = "internal";
}

/// <summary>Reasons carried by the <c>bye</c> event before the server closes a connection.</summary>
public static class ByeReasons
{
    public const string Shutdown = "shutdown";
    public const string LineTooLong = "line_too_long";
    public const string SlowConsumer = "slow_consumer";
    public const string Logout = "logout";
    public const string SignInTimeout = "sign_in_timeout";
    public const string Killed = "killed";
    public const string PingTimeout = "ping_timeout";
    /// <summary>The user changed its password or signed out everywhere, or the operator reset its password.</summary>
    public const string SignedOut = "signed_out";
    /// <summary>The operator disabled the account.</summary>
    public const string Disabled = "disabled";
    /// <summary>The account was deleted, by its owner or the operator.</summary>
    public const string AccountDeleted = "account_deleted";
    /// <summary>Sent as a connection opens, then it is closed: its address has <c>Connections:PerAddress</c> connections open already.</summary>
    public const string TooManyConnections = "too_many_connections";
}
