namespace Parley.Core.Model;

/// <summary>A stored room as the operator's listing shows it (<c>admin.rooms</c>): who owns it (none once its owner's account is gone).</summary>
public sealed record RoomOwnership(string Room, int Members, IReadOnlyList<string> Owners);
