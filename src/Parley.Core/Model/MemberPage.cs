namespace Parley.Core.Model;

/// <summary>
/// One page of a room's members: online members first, then offline ones, each part in
/// <see cref="NaturalNameOrder"/>; with the room's counts, so a client can show "3 of 10,000".
/// </summary>
/// <param name="Total">Members of the room.</param>
/// <param name="Online">How many of them are online (on any node).</param>
/// <param name="Next">Where the next page starts (opaque to clients), or null when this is the last.</param>
public sealed record MemberPage(IReadOnlyList<MemberInfo> Members, int Total, int Online, string? Next)
{
    /// <summary>More members than <see cref="Policy.ChatLimits.LargeRoomMembers"/>: its members' joins, leaves and presence are not pushed to native clients (docs/protocol.md, large rooms).</summary>
    public bool Large { get; init; }
}
