using Parley.Core.Events;

namespace Parley.Protocol.Irc;

/// <summary>
/// What an away-notify client gets for a join by someone away: the JOIN, then the joiner's AWAY.
/// A slot of its own, so those lines are encoded once for every such client while the others share
/// <see cref="IrcEventEncoder"/>'s plain JOIN. <see cref="IrcSession"/> gives it only those joins.
/// </summary>
internal sealed class IrcAwayNotifyEncoder : IEventEncoder
{
    /// <summary>Stateless, so one is shared by every session.</summary>
    public static readonly IrcAwayNotifyEncoder Instance = new();

    public int Slot => 2;

    public byte[] Encode(ChatEvent chatEvent) => chatEvent switch
    {
        MembershipEvent { Joined: true, Away: { } away } e =>
        [
            .. new IrcMessage(IrcServerInfo.Source(e.User), "JOIN", IrcServerInfo.Channel(e.Room)).ToBytes(),
            .. new IrcMessage(IrcServerInfo.Source(e.User), "AWAY", away) { Trailing = true }.ToBytes(),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(chatEvent), chatEvent.GetType().Name, "only a join by someone away"),
    };
}
