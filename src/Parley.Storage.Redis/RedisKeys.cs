using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// The one place where Parley's Redis key and channel names are built; docs/redis.md lists every
/// one with its type. Every name starts with <see cref="Prefix"/>, so several Parley services (or
/// test runs) can share one Redis. Arguments are keys as Parley spells them: user and room keys
/// from <c>Names.Key</c> (they never contain ':'), conversation keys from <c>ConversationKey</c>.
/// </summary>
public sealed class RedisKeys
{
    public const string DefaultPrefix = "parley:";

    public RedisKeys(string prefix = DefaultPrefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Prefix = prefix;
    }

    public string Prefix { get; }

    // Accounts.

    /// <summary>Set of every registered user key.</summary>
    public RedisKey Users() => Prefix + "users";

    /// <summary>
    /// Hash of one user: <c>name</c>, <c>password_hash</c>, <c>created</c> (Unix ms); <c>state</c>
    /// (<c>AccountState</c>: 1 disabled, 2 deleted; absent is active), <c>token_epoch</c> (absent is 0).
    /// </summary>
    public RedisKey User(string userKey) => Prefix + "user:" + userKey;

    /// <summary>Set of the room keys one user is a member of (the reverse of <see cref="Members"/>).</summary>
    public RedisKey UserRooms(string userKey) => Prefix + "user-rooms:" + userKey;

    /// <summary>String: a session token's hash → its user key, a space, and the user's <c>token_epoch</c> when saved (older tokens: the user key alone).</summary>
    public RedisKey Token(string tokenHash) => Prefix + "token:" + tokenHash;

    /// <summary>An invitation code's hash: uses, expires (Unix ms, absent for never), created.</summary>
    public RedisKey Invitation(string codeHash) => Prefix + "invitation:" + codeHash;

    // People.

    /// <summary>
    /// Sorted set of every registered user key, all with score 0, so that ZRANGE BYLEX reads a
    /// range of names (the directory). Kept with <see cref="Users"/> by the create-user script; filled from it at start when they differ.
    /// </summary>
    public RedisKey UserIndex() => Prefix + "user-index";

    /// <summary>Hash of one user's profile: <c>display</c>, <c>status</c> ("" or absent when not set).</summary>
    public RedisKey Profile(string userKey) => Prefix + "profile:" + userKey;

    /// <summary>Set of the user keys one user blocks.</summary>
    public RedisKey Blocks(string userKey) => Prefix + "blocks:" + userKey;

    // Rooms.

    /// <summary>Set of every room key.</summary>
    public RedisKey Rooms() => Prefix + "rooms";

    /// <summary>Hash of one room: <c>name</c>, <c>topic</c>, <c>created</c> (Unix ms).</summary>
    public RedisKey Room(string roomKey) => Prefix + "room:" + roomKey;

    /// <summary>Set of the user keys that are members of one room.</summary>
    public RedisKey Members(string roomKey) => MembersPrefix + roomKey;

    /// <summary><see cref="Members"/> without its room key, for a script that builds the keys of a user's rooms itself.</summary>
    public string MembersPrefix => Prefix + "members:";

    // Conversations.

    /// <summary>Stream of one conversation's messages; entry ID <c>0-&lt;seq&gt;</c>.</summary>
    public RedisKey History(string conversation) => Prefix + "history:" + conversation;

    /// <summary>
    /// Hash of one conversation's messages changed since sent (edited, recalled, reacted to,
    /// removed by the operator): seq → the entry's fields as they are now, a JSON array of names
    /// and values. The entry itself is deleted from <see cref="History"/> (a stream entry cannot be
    /// changed), and history puts this one in its place. Named <c>removed:</c> for what it first
    /// held (the operator's removals), so that those made before edits existed are still found.
    /// </summary>
    public RedisKey Revised(string conversation) => Prefix + "removed:" + conversation;

    /// <summary>Sorted set of the seqs of <see cref="Revised"/>, scored by their last change number: catching up with changes.</summary>
    public RedisKey Revs(string conversation) => Prefix + "revs:" + conversation;

    /// <summary>String (integer): the conversation's last change number; absent means 0.</summary>
    public RedisKey LastRev(string conversation) => Prefix + "rev:" + conversation;

    /// <summary>String (integer): the last seq given out in one conversation; absent means 0.</summary>
    public RedisKey LastSeq(string conversation) => Prefix + "seq:" + conversation;

    /// <summary>Hash of one user's read positions: conversation key → seq.</summary>
    public RedisKey Reads(string userKey) => Prefix + "reads:" + userKey;

    /// <summary>Hash of the last time one user marked each conversation read by time (IRC's read-marker): conversation key → Unix ms.</summary>
    public RedisKey ReadTimes(string userKey) => Prefix + "read-times:" + userKey;

    // Files.

    /// <summary>Hash of one upload (<see cref="Core.Model.StoredFile"/>): hash, thumb, name, size, type, width, height, owner, created, conv (absent until sent).</summary>
    public RedisKey File(string id) => Prefix + "file:" + id;

    /// <summary>Sorted set of the uploads not sent yet, scored by their time (Unix ms): forgetting those never sent.</summary>
    public RedisKey UnsentFiles() => Prefix + "unsent-files";

    /// <summary>Set of the ids of the files sent in one conversation: forgetting them with a deleted room.</summary>
    public RedisKey ConversationFiles(string conversation) => Prefix + "conv-files:" + conversation;

    /// <summary>String (integer): how many files name one blob, as themselves or as their thumbnail; absent means none.</summary>
    public RedisKey BlobReferences(string hash) => Prefix + "blob-refs:" + hash;

    /// <summary>Hash of one user's direct conversations: conversation key → the peer's display name.</summary>
    public RedisKey Directs(string userKey) => Prefix + "directs:" + userKey;

    // Pub/sub.

    /// <summary>A pub/sub channel named <paramref name="name"/> under the prefix.</summary>
    public RedisChannel Channel(string name) => RedisChannel.Literal(Prefix + "channel:" + name);

    // Cluster: nodes, presence and the backplane channel.

    /// <summary>Set of the ids of nodes that have announced themselves (some may since have died).</summary>
    public RedisKey Nodes() => Prefix + "nodes";

    /// <summary>String with a TTL, refreshed by a live node: when it expires, the node counts as dead.</summary>
    public RedisKey NodeHeartbeat(string node) => Prefix + "node:" + node;

    /// <summary>Set of the display names of users with a session on one node.</summary>
    public RedisKey NodeUsers(string node) => Prefix + "node-users:" + node;

    /// <summary>Set of the display names of users online on any live node (as the original project kept it).</summary>
    public RedisKey Online() => Prefix + "online";

    /// <summary>The backplane's pub/sub channel: stored messages and every other cluster event, in order.</summary>
    public RedisChannel Events() => Channel("events");
}
