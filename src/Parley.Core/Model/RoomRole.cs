namespace Parley.Core.Model;

/// <summary>
/// A member's standing in a room, lowest first. Owner (the creator) and admins moderate (IRC
/// channel operators, '@'); voiced members may speak in a moderated room (IRC '+').
/// </summary>
public enum RoomRole
{
    Member = 0,
    Voiced = 1,
    Admin = 2,
    Owner = 3,
}
