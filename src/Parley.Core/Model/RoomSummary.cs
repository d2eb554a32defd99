namespace Parley.Core.Model;

/// <param name="Secret">Left out of room lists for those not in it (<see cref="RoomSetting.Secret"/>): only its members see it, and this.</param>
public sealed record RoomSummary(string Name, string Topic, int Members, bool Joined, bool Secret = false)
{
    /// <summary>When the room was made (a transient room, or one another node made, when this node heard of it).</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Who last set its topic and when, as far as this node knows since it started; null when it does not know.</summary>
    public TopicMark? TopicMark { get; init; }

    /// <summary>More members than <see cref="Policy.ChatLimits.LargeRoomMembers"/>: its members' joins, leaves and presence are not pushed to native clients (docs/protocol.md, large rooms).</summary>
    public bool Large { get; init; }
}
